"""Report outlines as data (issue 16): report templates per level with sections and indicator tables, indicator values per unit and period."""
