"""Monthly unit reports and quarterly summaries in the official layout (DOCX, PDF, XLSX).

Flow: :mod:`survey.reports.data` asks the database (through :mod:`survey.queries`
and a few grouped queries of its own) for one batch of frames per period;
:mod:`~survey.reports.monthly` and :mod:`~survey.reports.quarterly` turn them
into a format-neutral :class:`~survey.reports.document.Doc`; the renderers
(:mod:`~survey.reports.docx`, :mod:`~survey.reports.pdf`, :mod:`~survey.reports.xlsx`)
write it out; :mod:`~survey.reports.generate` decides what is due, writes files
and keeps the ``Report`` rows in step. See ``survey/reports/README.md``.
"""
