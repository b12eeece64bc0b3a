"""Background jobs of website health: they take primary keys and call one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def run_link_check(run_id: int) -> str:
    """One link-check run (claimed first: a rerun of the job does nothing)."""
    from gongkai.webhealth.services import execute_run

    run = execute_run(run_id)
    return run.state if run is not None else "already claimed"


@shared_task(acks_late=True)
def schedule_link_checks() -> int:
    """Periodic: queue a run of every site not checked for ``WEBHEALTH_CHECK_EVERY_HOURS``."""
    from gongkai.webhealth.services import schedule_runs

    return schedule_runs()


@shared_task(acks_late=True)
def probe_availability() -> int:
    """Periodic: one availability probe of every key public page."""
    from gongkai.webhealth.watch import probe

    return len(probe())


@shared_task(acks_late=True)
def warn_veto_risks() -> int:
    """Daily: warn the web administrators and the supervising office of risks breaching soon."""
    from gongkai.webhealth.watch import warn

    return warn()
