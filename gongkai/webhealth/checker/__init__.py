"""A link checker (链接检查) in plain asyncio: crawl a site's pages, check every link once, report the broken ones.

    report = run(Config(start_urls=["https://www.example.gov.cn/"]))
    for result in report.broken:
        print(result.url, result.error, [r.page for r in result.referrers])

No Django here: the website-health app stores and shows what a Report says.
"""

from .config import Config
from .engine import crawl, run
from .report import ErrorKind, Referrer, Report, Result, SkipReason
from .urls import MalformedURL, Target, normalise

__all__ = [
    "Config", "ErrorKind", "MalformedURL", "Referrer", "Report", "Result", "SkipReason", "Target", "crawl",
    "normalise", "run",
]
