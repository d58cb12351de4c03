"""A double click on a patient's save button stores one row (issue 9, item 4): both posts carry
the form's idempotency key, so the second is answered with the first's result."""

from __future__ import annotations

from typing import Any


def test_a_double_click_on_save_stores_one_sitting_test(page: Any) -> None:
    from sitbone.diary.models import SittingLog
    from tests.browser.conftest import signed_in_patient

    patient = signed_in_patient(page)

    page.goto("/me/load/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.post_data or "") if r.method == "POST" else None)
    page.fill("#id_sitting-minutes_to_pain", "25")
    page.locator('input[name="sitting-seat"][value="cushion"]').check()
    page.get_by_role("button", name="Save sitting test").dblclick()
    page.wait_for_load_state("networkidle")
    assert posts and all(post == posts[0] for post in posts)
    assert "idempotency_key=" in posts[0]
    assert SittingLog.objects.filter(patient=patient).count() == 1

    # A phone that retries (a lost answer, a flaky connection) sends the very same form again:
    # here three times at once.
    page.goto("/me/load/")
    page.fill("#id_sitting-minutes_to_pain", "30")
    page.locator('input[name="sitting-seat"][value="firm"]').check()
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector('form[action="/me/load/sitting/"]');
            const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
            const answers = await Promise.all([send(), send(), send()]);
            return answers.map((answer) => answer.status);
        }"""
    )
    assert statuses == [200, 200, 200]  # each shown the saved result
    assert list(
        SittingLog.objects.filter(patient=patient)
        .order_by("id")
        .values_list("minutes_to_pain", flat=True)
    ) == [25, 30]
