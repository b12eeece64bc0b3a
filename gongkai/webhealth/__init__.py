"""Website health (网站健康): the link checker and, later, the site's other inspections.

The checking engine in ``checker`` is plain asyncio and aiohttp with no Django import, so it runs in a
Celery task, a management command or a benchmark alike.
"""
