import io

import pytest

from gongkai.core import virus_scan
from gongkai.core.tests.fake_clamd import EICAR, clamd  # noqa: F401 (fixture)


def test_scanning_is_off_without_a_configured_daemon(settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    assert not virus_scan.is_configured()


def test_a_clean_file_passes_the_scan(clamd):  # noqa: F811
    result = virus_scan.scan_stream(io.BytesIO(b"%PDF-1.4 a notice" * 10000))
    assert result.clean
    assert clamd.scanned[-1] == b"%PDF-1.4 a notice" * 10000  # sent whole, in chunks


def test_the_eicar_test_file_is_found(clamd):  # noqa: F811
    result = virus_scan.scan_stream(io.BytesIO(EICAR))
    assert not result.clean and result.signature == "Eicar-Test-Signature"


def test_an_unreachable_daemon_is_an_error_never_a_pass(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    with pytest.raises(virus_scan.ScannerUnavailable):
        virus_scan.scan_stream(io.BytesIO(b"x"))


@pytest.mark.parametrize("answer,clean", [("stream: OK", True), ("stream: Win.Test.EICAR_HDB-1 FOUND", False)])
def test_clamd_answers_are_understood(answer, clean):
    assert virus_scan.parse_answer(answer).clean is clean


def test_an_error_answer_is_not_taken_for_a_verdict():
    with pytest.raises(virus_scan.ScannerUnavailable):
        virus_scan.parse_answer("INSTREAM size limit exceeded. ERROR")
