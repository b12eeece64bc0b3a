import asyncio
import functools

from gongkai.webhealth.checker import Config, ErrorKind, SkipReason, crawl

from .site import Sites


def check_site(**options):
    return _check_site(tuple(sorted(options.items())))


@functools.cache
def _check_site(options):
    """One crawl per set of options, shared by the tests that read its report."""

    async def main():
        async with Sites() as sites:
            config = Config(
                start_urls=[sites.root + "/"], read_timeout=1.0, connect_timeout=1.0, retries=1, backoff=0.05,
                max_redirects=5, max_body_bytes=1_000_000, max_queries_per_path=20,
                extra_hosts={"site.test": "127.0.0.1", "ext.test": "127.0.0.1"}, **dict(options),
            )
            return sites, await crawl(config)

    return asyncio.run(main())


def test_every_planted_broken_link_is_found_and_nothing_else():
    sites, report = check_site()
    found = {r.url: str(r.error) for r in report.broken}
    missed = set(sites.expected) - set(found)
    false_alarms = set(found) - set(sites.expected)
    recall = 1 - len(missed) / len(sites.expected)
    precision = 1 - len(false_alarms) / len(found)
    assert (recall, precision) == (1.0, 1.0), (missed, {u: found[u] for u in false_alarms})
    assert found == sites.expected


def test_each_broken_link_names_the_pages_that_contain_it_with_the_link_text():
    sites, report = check_site()
    missing = report.results[sites.root + "/missing"]
    assert {(r.page, r.text) for r in missing.referrers} == {
        (sites.root + "/", "已删除的文章"), (sites.root + "/a", "又一次"),
    }
    image = report.results[sites.ext + "/head-broken.png"]
    assert [(r.tag, r.text) for r in image.referrers] == [("img", "坏图片")]


def test_redirect_chains_are_recorded():
    sites, report = check_site()
    moved = report.results[sites.root + "/redirect/1"]
    assert moved.error is None and moved.status == 200
    assert moved.redirects == [(302, sites.root + "/redirect/2"), (302, sites.root + "/a")]
    assert moved.final_url == sites.root + "/a"
    assert len(report.results[sites.root + "/chain/0"].redirects) == 6
    assert report.results[sites.root + "/loop/a"].redirects == [(301, sites.root + "/loop/b"), (301, sites.root + "/loop/a")]


def test_head_refused_falls_back_to_get():
    sites, report = check_site()
    assert report.results[sites.ext + "/image.png"].status == 200
    assert report.results[sites.ext + "/image.png"].error is None


def test_503_and_429_are_retried_after_the_time_asked():
    sites, report = check_site()
    for path in ("/flaky", "/busy"):
        result = report.results[sites.root + path]
        assert (result.status, result.error, result.attempts) == (200, None, 2)


def test_robots_txt_is_obeyed_and_the_skip_reported():
    sites, report = check_site()
    private = report.results[sites.root + "/private/secret"]
    assert private.skipped == SkipReason.ROBOTS and private.status is None
    assert sites.root + "/private-only-broken" not in report.results


def test_robots_txt_can_be_ignored():
    sites, report = check_site(obey_robots=False)
    assert report.results[sites.root + "/private-only-broken"].error == ErrorKind.HTTP_4XX


def test_a_crawl_trap_stops_at_its_limit_and_is_reported():
    sites, report = check_site()
    months = [r for url, r in report.results.items() if "/calendar?" in url]
    assert len(months) == 21
    assert [r.skipped for r in months].count(SkipReason.CRAWL_TRAP) == 1


def test_a_huge_page_is_read_only_up_to_the_limit():
    sites, report = check_site()
    assert report.results[sites.root + "/big"].error is None
    assert sites.root + "/never-reached" not in report.results


def test_spellings_of_one_address_are_checked_once():
    sites, report = check_site()
    assert sites.root + "/A/../a" not in report.results
    assert sites.root + "/c?x=~" in report.results
    assert [u for u in report.results if u.startswith(sites.root + "/a")].count(sites.root + "/a") == 1
    # only http(s) links are checked
    assert not any(u.startswith(("mailto:", "javascript:", "tel:")) for u in report.results)


def test_page_limit_stops_the_crawl_but_not_the_checks():
    sites, report = check_site(max_pages=1)
    assert report.pages_crawled == 1
    assert report.results[sites.root + "/missing"].error == ErrorKind.HTTP_4XX
    assert sites.root + "/missing-frame" not in report.results


def test_pages_parsed_in_worker_processes_give_the_same_report():
    _, in_loop = check_site()
    sites, in_workers = check_site(parse_workers=1)
    assert {r.url: str(r.error) for r in in_workers.broken} == sites.expected
    assert in_workers.pages_crawled == in_loop.pages_crawled


def test_progress_counts_every_address_once_it_has_an_outcome():
    _sites, report = check_site()
    assert report.done == sum(1 for url in report.results if "#" not in url)
