import pytest

django = pytest.importorskip("django")


def test_generate_ads_command(tmp_path):
    from django.conf import settings

    if not settings.configured:
        pytest.skip("Django settings are not configured (run without -p no:django)")
    from django.core.management import call_command

    call_command(
        "generate_ads", out=str(tmp_path), n_ads=200, seed=9, public_share=0.5, skip_checks=True
    )
    header = (tmp_path / "truth.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "ad_id,cluster_id,usage"
    assert len((tmp_path / "ads.csv").read_bytes()) > 0
