"""SIPAS survey (issue 20): definitions, collection points, the public form, paper entry, results."""
