"""The office's rules read from policies/: pure data loading and validation, no Flask."""
