"""Index scoring (chấm điểm chỉ số CCHC): rounds, self-assessment, appraisal, results, points at risk."""
