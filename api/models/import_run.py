"""Import history (issue 18): one row per import run with who, when, kind, dry-run or not, and the outcome."""
