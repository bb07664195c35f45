"""Authorization: the role → permission table (permissions.py) and the row scope (scope.py)."""
