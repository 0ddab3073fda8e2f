"""What a default local run leaves to CI, so that it stays near its 90 s aim
on two cores (CI, and ``--run-slow``, run everything).

Two tables, read by ``conftest.py``:

* ``SLOW``: tests treated as if marked ``slow``. They start real processes
  (the language server through pytest-lsp, fresh interpreters for the
  start-up budget, the resident, the GitHub action's script, git filters,
  flake8) or feed large inputs, and each costs seconds. Every front door
  keeps a quick real-process test in the local run: the CLI as a
  subprocess, flake8, the language server (open, change and edit
  sequences), the resident, the action, the start-up import budget.
* ``SWEEP``: long parametrized tables of which a local run keeps one case in
  N (as ``@pytest.mark.sweep(every=N)``; the larger N wins).

Keys are test ids without parameters (``tests/file.py::test_name``), or
with them for one case of ``SLOW`` (``…::test_name[case]``); a key that
names no collected test stops the run (a renamed test must not quietly
come back into, or drop out of, the local run). Times in the comments are
one loaded local run (``--durations=0``, two workers), for ranking only.
"""

SLOW = {
    # the language server: the quick open/change/edit tests stay local
    "tests/test_server.py::test_a_superseded_result_is_dropped": "a 3,000-line check raced by an edit (30 s)",
    "tests/test_server.py::test_a_crash_in_a_rule_is_logged_and_the_server_lives": "a server with a planted rule (16 s)",
    "tests/test_server.py::test_utf8_positions_and_eager_fix_all_for_older_clients": "a second server session (11 s)",
    "tests/test_server.py::test_file_watchers_are_registered_dynamically": "a second server session (10 s)",
    "tests/test_server.py::test_config_and_pins_reload_when_files_change": "file watching (4 s)",
    "tests/test_server_parity.py::test_parity_with_the_cli_on_a_sample": "the server and the CLI on a sample (13 s)",
    "tests/test_roundtrip_samefile.py::test_the_language_servers_incremental_check_agrees_after_edits_elsewhere": "a server session (7 s)",
    "tests/test_server_unit.py::test_mlwarden_check_never_imports_the_server": "a fresh interpreter (3 s)",
    # fresh interpreters for the start-up budget: test_clean_file_does_not_import_heavy_modules stays local
    "tests/test_startup.py::test_clean_file_imports_only_the_rules_that_run": "two fresh interpreters per kind (44 s)",
    "tests/test_startup.py::test_second_run_from_the_cache_does_not_import_heavy_modules": "fresh interpreters (4 s)",
    "tests/test_startup.py::test_a_version_aware_rule_does_not_import_packaging_tags": "a fresh interpreter (4 s)",
    "tests/test_startup.py::test_runner_calls_without_pip_do_not_import_the_requirement_parser": "a fresh interpreter (3 s)",
    "tests/test_secrets_imports.py::test_detect_secrets_runs_without_requests": "fresh interpreters (5 s)",
    "tests/test_secrets_imports.py::test_requests_still_importable_after_scanning": "a fresh interpreter (3 s)",
    "tests/test_secrets_imports.py::test_provider_token_needs_no_detect_secrets": "a fresh interpreter (2 s)",
    "tests/test_imports.py::test_no_import_cycles": "imports every module in fresh interpreters (12 s)",
    "tests/test_release.py::test_every_import_is_a_core_dependency": "a clean virtual environment (12 s)",
    "tests/test_release.py::test_version_has_one_source": "builds the package (10 s)",
    "tests/test_lazypackage.py::test_partial_libcst_gives_what_the_plain_import_gives": "fresh interpreters (2 s)",
    "tests/test_code_warnings.py::test_cli_prints_no_warning_about_the_checked_code": "CLI subprocesses (2 s)",
    # the resident: a served fix and the per-command environment stay local
    "tests/test_resident.py::test_stop_removes_the_sockets": "resident processes (4 s)",
    "tests/test_resident.py::test_no_parent_without_a_safe_socket_directory": "resident processes (4 s)",
    "tests/test_resident.py::test_an_idle_parent_exits_and_removes_its_socket": "waits for an idle exit (4 s)",
    "tests/test_resident.py::test_a_terminated_parent_removes_its_socket": "resident processes (3 s)",
    "tests/test_resident.py::test_switched_off_starts_nothing": "resident processes (3 s)",
    # the GitHub action's script: the findings-and-SARIF test stays local
    "tests/test_action.py::test_update_data_failure_warns_and_checks_with_the_bundled_list": "the action's script (6 s)",
    "tests/test_action.py::test_args_cannot_redirect_the_report": "the action's script (5 s)",
    "tests/test_action.py::test_unreadable_input_fails_even_with_fail_on_none": "the action's script (5 s)",
    "tests/test_action.py::test_fail_on_threshold": "the action's script, three runs (5 s)",
    "tests/test_action.py::test_baseline_input_reports_only_new_findings": "the action's script (4 s)",
    "tests/test_action.py::test_args_and_quoted_paths": "the action's script (3 s)",
    "tests/test_action.py::test_no_upload_unless_asked": "the action's script (3 s)",
    "tests/test_action.py::test_bad_inputs_are_one_line_errors": "the action's script, three runs (3 s)",
    # processes that must run nothing from the checked repository
    "tests/test_hardening_exec.py::test_resident_process_runs_nothing_from_the_repository": "a resident process (7 s)",
    "tests/test_hardening_exec.py::test_git_filter_runs_nothing_from_the_repository": "git with the filter installed (7 s)",
    "tests/test_hardening_exec.py::test_python_dash_m_drops_the_working_directory": "a subprocess (3 s)",
    "tests/test_hardening_exec.py::test_console_script_runs_nothing_from_the_repository": "a subprocess (2 s)",
    "tests/test_hardening_exec.py::test_python_isolated_dash_m_runs_nothing": "a subprocess (2 s)",
    # flake8 and git as real tools: test_flake8.py's own tests stay local
    "tests/test_rules.py::test_fixtures_exact_flake8": "flake8 on every fixture (10 s)",
    "tests/test_versions_rules.py::test_flake8_is_version_aware_too": "flake8 subprocesses (8 s)",
    "tests/test_notebook.py::test_nbqa_flake8_reports_our_findings": "nbqa and flake8 (3 s)",
    "tests/test_new_rule.py::test_scaffolded_rule_passes_the_docs_checks_without_a_manual_step": "scaffolds and regenerates the docs (8 s)",
    "tests/test_strip.py::test_install_filter_strips_on_add_and_keeps_the_working_copy": "git with the filter installed (4 s)",
    "tests/test_strip.py::test_stdin_filter_mode": "the filter as a subprocess (3 s)",
    "tests/test_secrets.py::test_plugins_work_inside_detect_secrets": "detect-secrets' own scan (3 s)",
    # large inputs and random properties
    "tests/test_bad_input.py::test_deeply_nested_in_subprocess": "deep nesting in a subprocess (10 s)",
    "tests/test_long_lines.py::test_a_long_line_is_checked_in_linear_time": "megabyte lines (9 s)",
    "tests/test_big_files_memory.py::test_a_big_file_with_the_cache_on_costs_little_memory": "a big file in a subprocess (6 s)",
    "tests/test_hardening_input.py::test_two_thousand_chained_includes": "2,000 requirement files (4 s)",
    "tests/test_hardening_input.py::test_symlink_to_dev_zero": "a subprocess with a time limit (3 s)",
    "tests/test_hardening_input.py::test_fifo_named_py_in_a_walk_and_by_name": "subprocesses with a time limit (3 s)",
    "tests/test_hardening_writes.py::test_real_concurrent_editor_never_loses_a_save": "a concurrent writer process (3 s)",
    "tests/test_hardening_writes.py::test_unreadable_directory_is_reported_with_exit_2": "a subprocess (3 s)",
    "tests/test_cli.py::test_output_piped_to_closed_pipe": "a subprocess with a closed pipe (6 s)",
    "tests/test_parallel.py::test_a_broken_pool_falls_back_to_a_serial_run": "a process pool that dies (12 s)",
    "tests/test_models.py::test_real_torch_state_dict": "saves real torch models (15 s)",
    "tests/test_incremental.py::test_generated_training_script_edit_sequence": "a long edit sequence (6 s)",
    "tests/test_codecache.py::test_cached_classes_are_the_plain_classes": "fresh interpreters (4 s)",
    "tests/test_codecache.py::test_a_corrupt_file_is_ignored_and_rewritten": "fresh interpreters (3 s)",
    "tests/test_codecache.py::test_a_file_others_can_write_is_not_read": "fresh interpreters (2 s)",
    "tests/test_secrets_notebooks.py::test_tutorial_notebooks_have_no_secret_findings": "a notebook corpus (19 s)",
    "tests/test_secrets_notebooks.py::test_a_real_leak_among_the_noise_is_the_only_finding": "a notebook corpus (8 s)",
    "tests/test_secrets_gate.py::test_the_generated_sources_reach_the_rule": "generated sources (24 s)",
    "tests/test_secrets_gate.py::test_random_formatting_of_a_call": "random formatting (5 s)",
    "tests/test_secrets_noise.py::test_longest_sequential_agrees_with_the_window_definition": "a random property (3 s)",
    "tests/test_regexlit.py::test_never_says_no_where_a_pattern_matches": "a random property (4 s)",
    "tests/test_regexlit.py::test_provider_scan_is_the_same_with_and_without_the_literal_test": "a random property (3 s)",
    "tests/test_walk_exclude.py::test_the_compiled_matcher_agrees_with_fnmatch_on_random_trees": "random trees (5 s)",
    # flake8 as a subprocess: the plugin's registration, positions, stdin with a display name,
    # noqa, E999, redaction and the unsaved buffer's pins stay local
    "tests/test_flake8.py::test_message_text": "a flake8 subprocess (3 s)",
    "tests/test_flake8.py::test_stdin_without_display_name": "a flake8 subprocess (2 s)",
    "tests/test_flake8.py::test_runs_with_default_selection": "a flake8 subprocess (2 s)",
    "tests/test_flake8.py::test_extend_ignore": "a flake8 subprocess (5 s)",
    "tests/test_flake8.py::test_bare_noqa_is_honoured_by_flake8_unlike_the_cli": "a flake8 subprocess (2 s)",
    "tests/test_flake8.py::test_disable_noqa": "a flake8 subprocess (2 s)",
    "tests/test_flake8.py::test_statement_libcst_rejects_does_not_hide_the_others": "a flake8 subprocess (2 s)",
    "tests/test_flake8.py::test_file_libcst_rejects_where_a_rule_fires_yields_nothing": "a flake8 subprocess (3 s)",
    "tests/test_flake8.py::test_pyproject_options_reach_the_plugin": "a flake8 subprocess (6 s)",
    "tests/test_flake8.py::test_pyproject_severity_reaches_the_plugin": "a flake8 subprocess (2 s)",
    "tests/test_flake8.py::test_broken_pyproject_does_not_break_flake8": "a flake8 subprocess (3 s)",
    "tests/test_flake8.py::test_parallel_jobs": "flake8 with worker processes (2 s)",
    "tests/test_flake8.py::test_python_source_findings_of_file_rules_match_the_cli": "flake8 subprocesses (3 s)",
    "tests/test_flake8.py::test_unsaved_buffer_uses_its_projects_pins[True]": "a flake8 subprocess; [False] stays (5 s)",
    # single cases of long tables that cost most of their table's time
    "tests/test_models.py::test_case_exact[cpu_bomb.pkl.gz]": "a decompression and CPU bomb (20 s)",
    "tests/test_models.py::test_real_torch_whole_model_is_not_allowlisted": "saves a real torch model (13 s)",
    "tests/test_walkcst.py::test_events_are_libcsts_events_on_real_code[src/mlwarden/rules/mlw707_serving_endpoint_exposed.py]": "the largest module (10 s)",
    "tests/test_bad_input.py::test_deeply_nested_in_process[and_100k]": "100,000 nested operands (5 s)",
    "tests/test_incremental.py::test_statements_parse_like_ast_parse[1-40]": "a second random edit sequence; [0-40] stays (4 s)",
    "tests/test_big_files_memory.py::test_a_generated_module_over_the_limit_is_a_quick_one_line_skip": "a big generated file in a subprocess (6 s)",
    "tests/test_action.py::test_notebook_findings_point_at_the_json_line_of_the_cell": "the action's script (4 s)",
    "tests/test_action.py::test_sarif_locations_resolve_in_the_repository": "the action's script (4 s)",
    "tests/test_codecache.py::test_without_a_writable_cache_the_import_is_plain": "fresh interpreters (4 s)",
    "tests/test_codecache.py::test_a_file_from_another_python_is_ignored": "fresh interpreters (3 s)",
    "tests/test_codecache.py::test_the_file_is_private_to_the_user": "fresh interpreters (3 s)",
}

SWEEP = {
    "tests/test_walkcst.py::test_events_are_libcsts_events_on_real_code": 32,  # 31 s for one module in 8
    "tests/test_models.py::test_case_exact": 4,  # 105 crafted files, 23 s
    "tests/test_equivalence.py::test_examples": 6,  # 20 s for one in 3
    "tests/test_equivalence.py::test_fixtures": 3,  # 15 s
    "tests/test_regex_backtracking.py::test_pattern_terminates_on_long_runs": 4,  # 207 patterns, 20 s
    "tests/test_secrets_gate.py::test_the_gate_passes_every_source_the_rule_reports_in": 8,  # 18 s for one in 3
    "tests/test_incremental.py::test_examples_edit_sequences": 6,  # 16 s for one in 3
    "tests/test_incremental.py::test_fixture_edit_sequences": 6,  # 15 s for one in 3
    "tests/test_bad_input.py::test_deeply_nested_in_process": 3,  # 8 s
    "tests/test_gate_codetext.py::test_generated_programs_are_sound_and_tokenized_like_python": 4,  # 5 s
    "tests/test_resident.py::test_served_commands_print_the_same_bytes": 3,  # 17 s, nine resident round trips
}
