"""The package version, in a module of its own so that any part of mlwarden
can read it without importing the package's public API (no import cycle)."""

__version__ = "0.1.0"
