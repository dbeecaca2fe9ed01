"""bench.run's steps once Django is set up on the throw-away database: build, measure, load, check, print."""

from __future__ import annotations

import io
import time

import openpyxl
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bench.client import Client, percentile
from bench.load import Writer, run_load
from bench.plan_data import approve_sample, multiply_plan, relist_into
from bench.run import SAVE_YEAR, YEAR, Measured, ScaleResult, gunicorn, stdout_quiet, time_call
from indicators.evaluation import refresh_grades
from indicators.importing import flat
from indicators.importing.preview import preview_upload
from indicators.models import Indicator, Report
from measures.models import Measure
from setagaya_plan.core.models import AuditEntry, Membership, Section

PASSWORD = "bench-pass-1234"
MIN_RUNS = 3  # requests per page at least …
PAGE_BUDGET_MS = 30_000  # … and no more once a page has taken this long (the slow pages at 100×)


def session_cookie(user) -> dict[str, str]:
    """A logged-in session made directly (a login per simulated user would only measure password hashing)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def prepare_database() -> None:
    with stdout_quiet():
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        call_command("load_plan", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)


def people(writers: int):
    users = get_user_model().objects
    planner = users.create_user("bench_planner", password=PASSWORD, last_name="計画")
    Membership.objects.create(
        user=planner, section=Section.objects.get_or_create(name="保健福祉政策課")[0], role=Membership.Role.PLANNER
    )
    # One section holds the plan's indicators (copies keep it), so the staff's 実績入力 grows with the plan.
    section = Section.objects.create(name="ベンチ所管課")
    Indicator.objects.filter(vision__measure__goal__number=1).update(section=section)
    own = list(Indicator.objects.with_structure().in_plan_order().filter(vision__measure__goal__number=1))
    # Writers save their own indicator's 令和7年度 draft: one whole series with a numeric target, never shared.
    chosen = [i for i in own if [s.key for s in i.series.all()] == [""] and _numeric(i.series.all()[0])][:writers]
    writer_users = []
    for number, indicator in enumerate(chosen):
        user = users.create_user(f"bench_writer_{number}", password=PASSWORD, last_name="入力")
        Membership.objects.create(user=user, section=section, role=Membership.Role.ENTRY)
        writer_users.append((user, indicator))
    staff = users.create_user("bench_staff", password=PASSWORD, last_name="職員")
    Membership.objects.create(user=staff, section=section, role=Membership.Role.ENTRY)
    return planner, writer_users, staff, own


def _numeric(series) -> bool:
    return any(target.value is not None for target in series.targets.all())


def grow(scale: int, previous: int, planner) -> int:
    """The plan made `scale` times its size (from `previous`): copies, each re-listed under 推進施策1 めざす姿1, and
    every ninth copy's 令和6年度 actual approved through the workflow."""
    if scale == previous:
        return Indicator.objects.count()
    before = set(Indicator.objects.values_list("pk", flat=True))
    total = multiply_plan(scale, first=previous)
    copies = list(Indicator.objects.with_structure().exclude(pk__in=before).in_plan_order())
    relist_into(copies, goal=1, measure=1, vision=1)
    approve_sample(copies, YEAR, planner, every=9)
    return total


def pages(staff_cookies, planner_cookies) -> dict[str, tuple[str, dict]]:
    return {
        "dashboard": (f"/progress/?year={YEAR}", planner_cookies),
        "indicator list (first page)": (f"/progress/indicators/?year={YEAR}", planner_cookies),
        "measure page holding every copy (first page)": (f"/progress/measures/1-1/?year={YEAR}", planner_cookies),
        "measure page holding every copy (last page)": (
            f"/progress/measures/1-1/?year={YEAR}&page=100000",
            planner_cookies,
        ),
        "annual report HTML (first page)": (f"/progress/report/{YEAR}/", planner_cookies),
        "annual report HTML (last page)": (f"/progress/report/{YEAR}/?page=100000", planner_cookies),
        "annual report xlsx": (f"/progress/report/{YEAR}/xlsx/", planner_cookies),
        "staff's 実績入力": ("/entry/", staff_cookies),
    }


def measure_pages(port: int, args, staff_cookies, planner_cookies) -> tuple[Measured, list[Measured]]:
    runs = args.runs
    anonymous = Client("127.0.0.1", port)
    # Warm every worker (imports, template and URL caches) before anything is timed.
    for _ in range(6):
        anonymous.get(reverse("login"))
        Client("127.0.0.1", port, cookies=dict(planner_cookies)).get(f"/progress/?year={YEAR}")
    answers = [anonymous.get(reverse("login")) for _ in range(runs)]
    if any(answer.status != 200 for answer in answers):
        raise SystemExit(f"the login page answered {[answer.status for answer in answers]}")
    floor = Measured("floor: login page (anonymous GET)", [answer.ms for answer in answers])
    measured = []
    for name, (path, cookies) in pages(staff_cookies, planner_cookies).items():
        if args.pages and not any(wanted in name for wanted in args.pages):
            continue
        client = Client("127.0.0.1", port, cookies=dict(cookies))
        note = wait_until_prepared(client, path)
        for _ in range(3):  # each of the workers once
            client.get(path)
        timings, answer = [], None
        for _ in range(runs):
            answer = client.get(path)
            if answer.status != 200:
                raise SystemExit(f"{name}: {path} answered {answer.status}")
            timings.append(answer.ms)
            if len(timings) >= MIN_RUNS and sum(timings) > PAGE_BUDGET_MS:
                break  # a slow page: enough samples for its p50 within the page's time budget
        text = answer.body.decode(errors="replace") if "html" in answer.headers.get("content-type", "") else ""
        rows = text.count('class="target-row"') or None
        measured.append(Measured(name, timings, rows=rows, size=len(answer.body), note=note))
        print_page(measured[-1])
    return floor, measured


def wait_until_prepared(client: Client, path: str) -> str:
    """A page prepared in the background (202 while it is made): ask every second until it is there; how long
    that took and the longest single request, which is what holds a worker."""
    answer = client.get(path)
    if answer.status != 202:
        return ""
    started, longest, asked = time.perf_counter(), answer.ms, 1
    while answer.status == 202 and time.perf_counter() - started < 900:
        time.sleep(1)
        answer = client.get(path)
        longest, asked = max(longest, answer.ms), asked + 1
    return (
        f"prepared in the background in {time.perf_counter() - started:.0f} s ({asked} requests, longest {ms(longest)})"
    )


def measure_import(runs: int, user) -> tuple[float, float, int]:
    """Median ms of the import dry run and of openpyxl loading the same file (the flat template with the plan)."""
    data = flat.template_xlsx(with_data=True)
    load_ms, dry_ms, rows = [], [], 0
    for _ in range(runs):
        load_ms.append(time_call(openpyxl.load_workbook, io.BytesIO(data))[0])
        ms, preview = time_call(lambda: preview_upload("plan.xlsx", data, user=user))
        assert not preview.has_errors, preview.counts
        dry_ms.append(ms)
        rows = len(preview.rows)
    return sorted(dry_ms)[len(dry_ms) // 2], sorted(load_ms)[len(load_ms) // 2], rows


def load_run(port: int, args, planner, writer_users, own) -> tuple[object, int, int]:
    readers = args.users - len(writer_users)
    reader_cookies = session_cookie(planner)
    measures = [m for m in Measure.objects.in_plan_order().filter(goal__number=1) if m.number != 1]
    paths = [("dashboard", f"/progress/?year={YEAR}"), ("indicator list", f"/progress/indicators/?year={YEAR}")]
    paths += [("measure page", f"/progress/measures/{m.goal.number}-{m.number}/?year={YEAR}") for m in measures]
    paths += [("indicator page", f"/progress/indicators/{i.code}/?year={YEAR}") for i in own[::8]]
    writers = []
    for user, indicator in writer_users:
        series = indicator.series.all()[0]
        writers.append(
            Writer(session_cookie(user), f"/entry/{indicator.code}/{SAVE_YEAR}/", indicator.code, f"actual_{series.pk}")
        )
    result = run_load(port, reader_cookies, paths, writers, readers=readers, seconds=args.seconds)
    lost = check_saves(writers)
    return result, lost, sum(len(w.acknowledged) for w in writers)


def check_saves(writers: list[Writer]) -> int:
    """Acknowledged saves missing from the database: each writer's last value must be stored, and its report's
    trail must hold at least one entry per acknowledged save."""
    lost = 0
    for writer in writers:
        if not writer.acknowledged:
            continue
        report = Report.objects.prefetch_related("actuals").get(indicator__code=writer.code, fiscal_year=SAVE_YEAR)
        stored = [a.value for a in report.actuals.all()]
        if not stored or stored[0] != writer.acknowledged[-1]:
            lost += 1
        logged = AuditEntry.objects.for_subject(report).count()
        lost += max(0, len(writer.acknowledged) - logged)
    return lost


def run(args, env) -> list[ScaleResult]:
    settings.DEBUG = False
    print(f"setting up the throw-away {connection.vendor} database …", flush=True)
    prepare_database()
    planner, writer_users, staff, own = people(args.writers)
    approve_sample(own, YEAR, planner, every=3)
    planner_cookies, staff_cookies = session_cookie(planner), session_cookie(staff)
    results = []
    previous = 1
    with gunicorn(env, args.workers) as port:
        for scale in args.scales:
            started = time.perf_counter()
            total = grow(scale, previous, planner)
            previous = scale
            print(f"{scale}×: {total} indicators built in {time.perf_counter() - started:.0f} s", flush=True)
            result = ScaleResult(scale, total)
            result.floor, result.pages = measure_pages(port, args, staff_cookies, planner_cookies)
            if not args.no_import:
                result.import_ms, result.openpyxl_ms, result.import_rows = measure_import(min(args.runs, 3), planner)
            result.regrade_ms, _ = time_call(refresh_grades)
            if scale in args.load_scales:
                result.load, result.lost, result.acknowledged = load_run(port, args, planner, writer_users, own)
            results.append(result)
            print_scale(result)
    return results


def ms(value: float) -> str:
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def print_page(page: Measured) -> None:
    print(f"  {page.name}: p50 {ms(page.p50)}, p95 {ms(page.p95)} of {len(page.timings)}, rows {page.rows}, "
          f"{page.size:,} bytes {page.note}", flush=True)  # fmt: skip


def print_scale(result: ScaleResult) -> None:
    print(f"  floor p50 {ms(result.floor.p50)}; import dry run {ms(result.import_ms)} vs openpyxl "
          f"{ms(result.openpyxl_ms)}; plan-wide regrade {ms(result.regrade_ms)}", flush=True)  # fmt: skip


def print_report(results: list[ScaleResult], args) -> None:
    scales = [r.scale for r in results]
    print()
    print(f"Database: {connection.vendor}; gunicorn {args.workers} workers on 127.0.0.1; {args.runs} requests per "
          f"page (at least {MIN_RUNS}, fewer once a page took {PAGE_BUDGET_MS // 1000} s); floor = the login page "
          f"(anonymous GET) in the same run; ratios: a page's p50 to the floor's p50, its p95 to the floor's "
          f"p95.")  # fmt: skip
    print()
    print("| page (p50 / p95, ratios to the floor) | " + " | ".join(f"{s}×" for s in scales) + " |")
    print("|---|" + "---|" * len(scales))
    print("| indicators | " + " | ".join(f"{r.indicators:,}" for r in results) + " |")
    print("| floor: login page | " + " | ".join(f"{ms(r.floor.p50)} / {ms(r.floor.p95)}" for r in results) + " |")
    for index, page in enumerate(results[0].pages):
        cells = []
        for r in results:
            p = r.pages[index]
            cell = f"{ms(p.p50)} / {ms(p.p95)}, {p.p50 / r.floor.p50:.0f}× / {p.p95 / r.floor.p95:.0f}×"
            if p.rows:
                cell += f"; {p.rows:,} rows, {p.p50 / p.rows:.2f} ms/row"
            if p.note:
                cell += f"; download of the file {p.note}"
            cells.append(cell)
        print(f"| {page.name} | " + " | ".join(cells) + " |")
    print("| plan-wide regrade (in the bench process) | " + " | ".join(ms(r.regrade_ms) for r in results) + " |")
    if args.no_import:
        return print_load(results, args)
    print(
        "| import dry run vs openpyxl load | "
        + " | ".join(
            f"{ms(r.import_ms)} vs {ms(r.openpyxl_ms)}, {r.import_ms / r.openpyxl_ms:.1f}× ({r.import_rows:,} rows)"
            for r in results
        )
        + " |"
    )
    print_load(results, args)


def print_load(results: list[ScaleResult], args) -> None:
    loaded = [r for r in results if r.load is not None]
    if loaded:
        print()
        print(f"Load: {args.users} users ({args.users - args.writers} reading, {args.writers} saving drafts), "
              f"{args.seconds:.0f} s each")  # fmt: skip
        print()
        print("| scale | requests/s | errors | acknowledged saves | lost | p50 / p95 read | p50 / p95 save |")
        print("|---|---|---|---|---|---|---|")
        for r in loaded:
            load = r.load
            reads = [t for kind, ts in load.timings.items() if kind != "save (GET + POST)" for t in ts]
            saves = load.timings.get("save (GET + POST)", [])
            print(
                f"| {r.scale}× | {load.throughput:.1f} | {len(load.errors)} | {r.acknowledged} | {r.lost} "
                f"| {ms(percentile(reads, 0.5))} / {ms(percentile(reads, 0.95))} "
                f"| {ms(percentile(saves, 0.5))} / {ms(percentile(saves, 0.95))} |"
            )
            for error in load.errors[:5]:
                print(f"  error: {error}")
