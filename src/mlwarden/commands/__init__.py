"""One module per subcommand; each has ``add_arguments(parser)`` and
``run(args) -> int``, and a ``main(argv) -> int`` for direct use."""
