"""Writers that change files: atomic, idempotent, only on change."""
