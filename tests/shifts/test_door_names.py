"""The kiosk's names: first names only, told apart by an initial only when two are alike."""

from __future__ import annotations

from opsuite.shifts import service
from opsuite.shifts.door_names import door_labels, split_name
from opsuite.shifts.models import SignUp
from tests.conftest import log_in, post_form
from tests.factories.shifts import make_shift, make_volunteer, manager_of


def test_latin_names_are_first_names_with_an_initial_only_when_two_share_it():
    labels = door_labels([(1, "Anna Kowalska"), (2, "Anna Maria Wiśniewska"), (3, "Ben Lee")])
    assert labels == {1: "Anna K.", 2: "Anna W.", 3: "Ben"}
    assert door_labels([(1, "Cher")]) == {1: "Cher"}
    assert door_labels([(5, "anna kowalska"), (6, "Anna Nowak")]) == {5: "anna K.", 6: "Anna N."}


def test_chinese_names_show_the_given_name_and_never_the_family_name():
    assert split_name("孙丽") == ("丽", "S")
    assert split_name("欧阳娜娜") == ("娜娜", "O")  # a compound family name
    assert split_name("曾小明") == ("小明", "Z")  # read Zeng as a family name
    assert split_name("丽") == ("丽", None)
    assert split_name("欧阳") == ("阳", "O")  # nothing after a compound: one-character family
    labels = door_labels([(1, "孙丽"), (2, "李丽"), (3, "王小明"), (4, "欧阳娜娜")])
    assert labels == {1: "丽 S.", 2: "丽 L.", 3: "小明", 4: "娜娜"}
    assert not any(family in label for label in labels.values() for family in "孙李王欧阳")


def test_people_still_alike_are_numbered_in_sign_up_order():
    labels = door_labels([(9, "Anna Kowalska"), (4, "Anna Kaczmarek"), (7, "Anna Nowak")])
    assert labels == {4: "Anna K. (1)", 9: "Anna K. (2)", 7: "Anna N."}
    # 龘 is not a family name the table knows: no initial; alike only with another such name
    assert door_labels([(1, "龘丽"), (2, "孙丽")]) == {1: "丽", 2: "丽 S."}
    assert door_labels([(1, "龘丽"), (2, "龖丽")]) == {1: "丽 (1)", 2: "丽 (2)"}
    assert door_labels([(1, "Ana"), (2, "Ana")]) == {1: "Ana (1)", 2: "Ana (2)"}
    assert door_labels([(1, "  "), (2, "Li")]) == {1: "?", 2: "Li"}


async def test_the_kiosk_page_shows_first_names_and_no_other_personal_data(
    client, settings, frozen_clock
):
    shift = await make_shift()
    people = [
        await make_volunteer(name=name, phone=f"+86 138 0000 000{n}")
        for n, name in enumerate(["Anna Kowalska", "Anna Wiśniewska", "孙丽", "李丽", "王小明"])
    ]
    for person in people:
        await service.sign_up(person, shift.id, settings=settings)
    await log_in(client, (await manager_of(await shift.opportunity)).email)
    opened = await post_form(
        client, f"/shifts/{shift.id}/open-kiosk", {"pin": "2468", "pin_again": "2468"}
    )
    assert opened.status_code == 303
    page = (await client.get(f"/shifts/{shift.id}/kiosk")).text
    for shown in ("Anna K.", "Anna W.", "丽 S.", "丽 L.", "小明"):
        assert shown in page
    for person in people:
        assert person.email not in page
        assert person.phone not in page
        assert person.name not in page
    for surname in ("Kowalska", "Wiśniewska", "孙", "李", "王"):
        assert surname not in page
    tap = await post_form(
        client,
        f"/shifts/{shift.id}/kiosk/tap",
        {"signup_id": (await SignUp.get(volunteer_id=people[2].id)).id},
        from_page=f"/shifts/{shift.id}/kiosk",
    )
    assert tap.status_code == 303
    after = (await client.get(f"/shifts/{shift.id}/kiosk")).text
    assert "丽 S." in after
    assert "孙" not in after
