"""Task boards: boards, ordered columns, tasks, assignment, due dates, comments, checklists and
each board's activity log."""
