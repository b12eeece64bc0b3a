from celery import shared_task


@shared_task
def check_fingerprints() -> dict:
    """Periodic 网页防篡改 check: fingerprint newly published files, then verify and restore every one."""
    from gongkai.ops import fingerprints

    recorded = fingerprints.record()
    checked = fingerprints.verify(restore=True)
    return {"recorded": recorded.recorded, "retired": recorded.retired, "checked": checked.checked,
            "changed": len(checked.changed), "restored": len(checked.restored)}
