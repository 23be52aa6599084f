"""One refresh at a time: real threads and a real SIGKILL against PostgreSQL, and the lease
that stands in for the advisory lock on SQLite."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core.tests.concurrency import all_at_once
from ratings.locking import LOCK_NAME, RefreshBusy, lease_lock, refresh_lock
from ratings.models import GradeDay, RefreshLease, RefreshRun
from ratings.refresh import refresh

from .helpers import FixedProvider, SlowProvider, series_data

END = datetime.date(2025, 9, 30)
ROOT = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the advisory lock is PostgreSQL's; CI runs this on PostgreSQL",
)
pytestmark = pytest.mark.django_db(transaction=True)


def market():
    steps = np.arange(40)
    return FixedProvider(series_data(END, [10 * 1.01**steps, 20 * 0.99**steps], slugs=["alpha", "beta"]))


def refresh_or_skip(provider):
    try:
        return refresh(provider, end=END, days=40).tokens_graded
    except RefreshBusy:
        return "skipped"


@on_postgresql
def test_two_refreshes_started_together_one_runs_and_one_skips():
    slow = SlowProvider(market(), seconds=1.5)
    outcomes = all_at_once((refresh_or_skip, slow), (refresh_or_skip, slow))
    assert sorted(outcomes, key=str) == [2, "skipped"]
    assert RefreshRun.objects.count() == 1  # the skipped one left no trace
    assert GradeDay.objects.filter(date=END).count() == 2


def command_outcome(*arguments):
    try:
        call_command("refresh_ratings", *arguments)
    except CommandError as error:
        return str(error)
    return "ran"


@on_postgresql
def test_the_command_says_another_refresh_is_running():
    with refresh_lock():
        # The command runs on a connection of its own: the lock is per session.
        (outcome,) = all_at_once((command_outcome, "--days", "3", "--date", str(END)))
    assert outcome.startswith("Another ratings refresh is running (PostgreSQL backend ")
    assert not GradeDay.objects.exists() and not RefreshRun.objects.exists()


def holder_process():
    """A refresh in its own process that takes the lock and hangs in its fetch."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "research_site.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    script = (
        "import datetime, django; django.setup()\n"
        "from ratings.refresh import refresh\n"
        "from ratings.tests.helpers import StallingProvider\n"
        f"refresh(StallingProvider(), end=datetime.date.fromisoformat('{END}'), days=3)\n"
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "fetching", "the holder never reached its fetch"
    return process


@on_postgresql
def test_a_lock_held_by_a_killed_process_does_not_block_the_next_refresh():
    holder = holder_process()
    try:
        with pytest.raises(RefreshBusy, match="PostgreSQL backend"):
            refresh(market(), end=END, days=40)
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)

        # The server ends the dead client's session as soon as its socket closes.
        deadline = time.monotonic() + 10
        while True:
            try:
                result = refresh(market(), end=END, days=40)
                break
            except RefreshBusy:
                assert time.monotonic() < deadline, "the killed process's lock was never released"
                time.sleep(0.1)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert result.tokens_graded == 2
    dead_run = RefreshRun.objects.get(provider="stalling")
    assert dead_run.status == "failed" and "process died" in dead_run.message


@pytest.mark.django_db
def test_a_live_lease_keeps_a_second_refresh_out_and_is_released_after():
    busy = pytest.raises(RefreshBusy, match="worker-a")
    with lease_lock(holder="worker-a"), busy, lease_lock(holder="worker-b"):
        pass
    with lease_lock(holder="worker-b"):
        assert RefreshLease.objects.get().holder == "worker-b"
    assert not RefreshLease.objects.exists()


@pytest.mark.django_db
def test_the_lease_of_a_dead_holder_expires_and_is_taken_over():
    # What a refresh killed mid-run leaves behind: its lease, no longer renewed.
    RefreshLease.objects.create(
        name=LOCK_NAME, holder="dead-worker", expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with lease_lock(holder="worker-b"):
        assert RefreshLease.objects.get().holder == "worker-b"


def test_a_lease_is_renewed_while_its_refresh_progresses():
    with lease_lock(seconds=0.3, holder="worker-a") as renew:
        first = RefreshLease.objects.get().expires_at
        time.sleep(0.15)
        renew()
        assert RefreshLease.objects.get().expires_at > first
        time.sleep(0.2)  # past the first expiry, within the renewed one
        with pytest.raises(RefreshBusy), lease_lock(holder="worker-b"):
            pass
