"""Every module here defines one rule; :mod:`mlwarden.core.registry` finds them.

Module names are ``mlwNNN_<snake_name>.py``; the class is the PascalCase of the
rule's kebab-case name. ``python scripts/new_rule.py`` scaffolds a new one.
"""
