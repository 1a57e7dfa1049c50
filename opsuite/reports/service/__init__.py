"""What the reports area does, one module per topic (pages.py and the CLI call into these):

- scope: what a viewer may report on (admins everything, managers what they run, a program's
  read-only viewers its volunteer figures without contact data)
- filters: a report's filters (dates, program, team, board, person, grouping) from a query string
- model: what every report produces: columns, rows, totals and the columns the chart draws
- volunteering: volunteer reports: hours given and how full shifts were
- staff: staff reports: planned coverage from work schedules, task throughput on boards
- catalog: the reports there are, their titles and groupings, and running one by name
- charts: bar charts as server-built SVG
- tabular: CSV and JSON writing shared by reports and exports (BOM, formula escaping)
- exports: streamed CSV/JSON exports of people, shifts, sign-ups, hours, meetings and tasks
- imports: importing people and shifts from CSV files, validated in batches
- backup: backup and restore of every table, and a whole-organisation export
"""
