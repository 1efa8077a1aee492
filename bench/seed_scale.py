"""How long the demo seed takes to write a year of trade at the sandbox's Shopify shop at scale, on SQLite and on
PostgreSQL (the store's sync of that shop is ``backfill_scale.py``'s to measure).

Each backend gets a fresh database (a temporary SQLite file; a dedicated PostgreSQL database that this script
creates and drops), is migrated, and then runs ``manage.py seed_demo --orders N --shop-only --reset`` in a
subprocess, the way an operator would. Only the seed is timed. Usage::

    .venv/bin/python bench/seed_scale.py                       # 1,000,000 orders on both backends
    .venv/bin/python bench/seed_scale.py --orders 100000 --backend sqlite
"""

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def run_manage(args: list[str], env: dict[str, str], *, capture: bool) -> str:
    """Run manage.py; the seed's progress bar goes to this terminal's stderr."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def base_env(var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DEBUG": "1", "GROWTHHUB_VAR_DIR": var_dir, "PYTHONUNBUFFERED": "1"})
    return env


def seed(env: dict[str, str], args: argparse.Namespace) -> tuple[float, str]:
    run_manage(["migrate", "--noinput", "-v", "0"], env, capture=False)
    command = ["seed_demo", "--orders", str(args.orders), "--seed", str(args.seed), "--shop-only", "--reset"]
    if args.end_date:
        command += ["--end-date", args.end_date]
    started = time.perf_counter()
    output = run_manage(command, env, capture=True)
    elapsed = time.perf_counter() - started
    summary = next((line for line in output.splitlines() if line.startswith("shop:")), output.strip())
    return elapsed, summary


def bench_sqlite(args: argparse.Namespace) -> dict[str, str | float]:
    with tempfile.TemporaryDirectory(prefix="growthhub-bench-") as var_dir:
        env = base_env(var_dir)
        elapsed, summary = seed(env, args)
        size = sum(p.stat().st_size for p in Path(var_dir).glob("growthhub.sqlite3*"))
        return {"backend": f"SQLite {sqlite_version()}", "seconds": elapsed, "summary": summary, "bytes": size}


def sqlite_version() -> str:
    return sqlite3.sqlite_version


def bench_postgres(args: argparse.Namespace) -> dict[str, str | float]:
    admin_url = args.pg_admin_url
    name = args.pg_database
    with psycopg.connect(admin_url, autocommit=True) as admin:
        server = admin.execute("SHOW server_version").fetchone()[0]
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with tempfile.TemporaryDirectory(prefix="growthhub-bench-") as var_dir:
            env = base_env(var_dir)
            env["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{name}", admin_url)
            elapsed, summary = seed(env, args)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            size = admin.execute("SELECT pg_database_size(%s)", [name]).fetchone()[0]
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    return {"backend": f"PostgreSQL {server.split()[0]}", "seconds": elapsed, "summary": summary, "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end-date", default="2026-11-26", help="passed to seed_demo; '' for today")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-database", default="growthhub_bench")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = parser.parse_args()

    print(
        f"seed_demo --orders {args.orders:,} --seed {args.seed} on {platform.node()}: "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}",
        flush=True,
    )
    runs = []
    if args.backend in {"sqlite", "both"}:
        runs.append(bench_sqlite(args))
    if args.backend in {"postgresql", "both"}:
        runs.append(bench_postgres(args))
    print()
    print(f"{'backend':<18} {'wall time':>10} {'orders/s':>10} {'db size':>9}  rows")
    for run in runs:
        seconds = float(run["seconds"])
        print(
            f"{run['backend']:<18} {seconds:>9.1f}s {args.orders / seconds:>10,.0f} "
            f"{int(run['bytes']) / 2**20:>7.0f}MB  {run['summary']}"
        )


if __name__ == "__main__":
    main()
