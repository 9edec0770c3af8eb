"""Which reports to make, making them, and keeping the ``Report`` rows in step with the files.

A report is a folder (``<REPORTS_DIR>/<period>/``) holding ``<unit_code>.docx``,
``.pdf`` and ``.xlsx``, and one ``Report`` row (unit, period, folder). A report
whose three files exist is kept unless forced; a row missing for existing files
is added without regenerating them, and a row whose files are gone is made again.
The quarterly district summary is stored as a report of the top unit (the
lowest unit above every unit with a counter) for the period ``YYYY-Qn``.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask import current_app

from survey.extensions import db
from survey.figures.periods import VN, Period
from survey.models import Report
from survey.reports import data
from survey.reports.data import Settings, UnitInfo
from survey.reports.document import Doc
from survey.reports.monthly import monthly_doc
from survey.reports.quarterly import quarterly_doc
from survey.reports.render import SUFFIXES, render_files, warm_up
from survey.reports.signing import load_signing
from survey.services.units import subtree_ids


def reports_root() -> Path:
    """``REPORTS_DIR``, or ``instance/reports`` when it is not set."""
    configured = current_app.config.get("REPORTS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "reports"


def report_files(report: Report) -> dict[str, Path]:
    """``{'docx': …, 'pdf': …, 'xlsx': …}``: where the files of a ``Report`` row are (they may be gone)."""
    folder = Path(report.path)
    if not folder.is_absolute():
        folder = reports_root() / folder
    stem = report.unit.code if report.unit is not None else "tong-hop"
    return {suffix[1:]: folder / f"{stem}{suffix}" for suffix in SUFFIXES}


def _complete(folder: Path, stem: str) -> bool:
    return all((folder / f"{stem}{suffix}").is_file() for suffix in SUFFIXES)


def _stored_path(folder: Path, root: Path) -> str:
    try:
        return folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(folder.resolve())


@dataclass(frozen=True)
class Job:
    period: Period
    unit: UnitInfo
    folder: Path


@dataclass
class Plan:
    make: list[Job] = field(default_factory=list)
    #: files exist but the Report row is missing or points elsewhere
    record: list[Job] = field(default_factory=list)
    skipped: int = 0


@dataclass
class Outcome:
    reports: int = 0
    files: int = 0
    skipped: int = 0
    recorded: int = 0
    units: set[int] = field(default_factory=set)
    seconds: float = 0.0


def plan(pairs: list[tuple[Period, UnitInfo]], out_dir: Path | None, force: bool) -> Plan:
    """Sort unit-periods into to make, to record only, and kept as they are."""
    root = reports_root()
    existing = data.existing_reports()
    result = Plan()
    for period, unit in pairs:
        folder = (out_dir or root) / period.key
        row = existing.get((unit.id, period.key))
        if force:
            result.make.append(Job(period, unit, folder))
        elif _complete(folder, unit.code):
            if row is None or row.path != _stored_path(folder, root):
                result.record.append(Job(period, unit, folder))
            result.skipped += 1
        elif out_dir is None and row is not None and all(p.is_file() for p in report_files(row).values()):
            result.skipped += 1  # made earlier into another folder (--out); still there
        else:
            result.make.append(Job(period, unit, folder))
    return result


def monthly_pairs(months: list[Period], unit_code: str | None = None) -> list[tuple[Period, UnitInfo]]:
    units = data.units_with_counters()
    if unit_code is not None:
        top = data.unit_info(unit_code)
        if top is None:
            raise LookupError(unit_code)
        below = set(subtree_ids(top.id))
        units = [u for u in units if u.id in below]
    return [(m, u) for m in months for u in units if u.exists_in(m)]


def top_unit() -> UnitInfo | None:
    """The lowest unit above (or equal to) every unit with a counter: whom the district summary is for."""
    parents = data.unit_parents()
    chains = []
    for unit in data.units_with_counters():
        chain, current = [], unit.id
        while current is not None:
            chain.append(current)
            current = parents.get(current)
        chains.append(chain[::-1])
    if not chains:
        return None
    common = None
    for level in zip(*chains, strict=False):
        if len(set(level)) > 1:
            break
        common = level[0]
    if common is None:
        return None
    code = db.session.get(data.Unit, common).code
    return data.unit_info(code)


def _docs(jobs: list[Job], settings: Settings, now: datetime) -> Iterator[tuple[Job, Doc]]:
    """Build the documents period by period, one batch of queries per period."""
    today = now.astimezone(VN).date()
    everyone = data.units_with_counters()
    signing = load_signing({job.unit.id for job in jobs}, current_app.config)
    by_parent: dict[int | None, list[UnitInfo]] = {}
    for unit in everyone:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    groups: dict[Period, list[Job]] = {}
    for job in jobs:
        groups.setdefault(job.period, []).append(job)
    for period in sorted(groups):
        batch_jobs = groups[period]
        if period.kind == "quarter":
            for job in batch_jobs:
                below = set(subtree_ids(job.unit.id))
                members = [u for u in everyone if u.id in below and data.reports_for_itself(u, period)]
                batch = data.load_batch(period, [u.id for u in members], settings, now)
                yield job, quarterly_doc(job.unit, members, batch, today, signing[job.unit.id])
            continue
        siblings = {
            job.unit.id: [s for s in by_parent.get(job.unit.parent_id, []) if s.exists_in(period)] for job in batch_jobs
        }
        # one batch per boundaries day: a unit that ended during the month is read on its own last day, so its
        # report (and its successors') is the same whether it is made alone or with every other unit
        by_day: dict[date, list[Job]] = {}
        for job in batch_jobs:
            by_day.setdefault(data.boundaries_day(job.unit, period), []).append(job)
        for on, day_jobs in sorted(by_day.items(), reverse=True):
            ranked = {u.id for job in day_jobs for u in siblings[job.unit.id]}
            batch = data.load_batch(period, {job.unit.id for job in day_jobs}, settings, now, ranked, on)
            for job in day_jobs:
                yield job, monthly_doc(job.unit, batch, siblings[job.unit.id], today, signing[job.unit.id])


def _record(job: Job, root: Path, existing: dict, now: datetime) -> None:
    path = _stored_path(job.folder, root)
    row = existing.get((job.unit.id, job.period.key))
    if row is None:
        row = Report(unit_id=job.unit.id, period=job.period.key, path=path, created_at=now)
        db.session.add(row)
        existing[(job.unit.id, job.period.key)] = row
    else:
        row.path, row.created_at = path, now


def default_workers(count: int) -> int:
    """Worker processes for ``count`` reports: one (in-process) for a few, else one per core."""
    return 1 if count < 8 else max(1, min(os.cpu_count() or 1, 8))


def execute(
    the_plan: Plan,
    settings: Settings,
    now: datetime,
    workers: int | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> Outcome:
    """Make the planned reports and record every row; flushes, the caller commits."""
    started = time.perf_counter()
    root = reports_root()
    existing = data.existing_reports()
    outcome = Outcome(skipped=the_plan.skipped)
    for job in the_plan.record:
        _record(job, root, existing, now)
        outcome.recorded += 1

    def done(job: Job, files: list[str]) -> None:
        _record(job, root, existing, now)
        outcome.reports += 1
        outcome.files += len(files)
        outcome.units.add(job.unit.id)
        progress(1)

    workers = default_workers(len(the_plan.make)) if workers is None else workers
    if workers <= 1:
        for job, doc in _docs(the_plan.make, settings, now):
            done(job, render_files(doc, str(job.folder), job.unit.code))
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["survey.reports.render"])
        pending: dict[Future, Job] = {}
        with ProcessPoolExecutor(workers, mp_context=context, initializer=warm_up) as pool:
            for job, doc in _docs(the_plan.make, settings, now):
                pending[pool.submit(render_files, doc, str(job.folder), job.unit.code)] = job
                for future in [f for f in pending if f.done()]:
                    done(pending.pop(future), future.result())
            for future, job in list(pending.items()):
                done(job, future.result())
    db.session.flush()
    outcome.seconds = time.perf_counter() - started
    return outcome
