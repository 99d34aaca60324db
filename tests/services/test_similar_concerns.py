"""The similar-concern check, measured: a small labelled set of paraphrases, each naming the concern it means.
Recall at the top 3 must be at least 0.8, counting concerns already in a campaign (the test prints the figure)."""

from __future__ import annotations

import pytest

from campaigns.domain.model import CampaignConcern, Concern
from campaigns.services import concern_board
from tests.concern_fixtures import raise_one  # noqa: F401  (a fixture)

#: key -> (title, description, already in a campaign?)
CONCERNS = {
    "rent": ("Rent rises we can't keep up with", "Our rents went up twice this year and wages didn't.", True),
    "interpreter": ("No interpreter at the clinic", "The clinic has no interpreter on Tuesdays, so we can't "
                    "explain our symptoms.", False),
    "bus": ("Bus stop too far from the health centre", "The nearest stop is a mile away; older people can't "
            "walk it.", False),
    "mould": ("Damp and mould in council flats", "Black mould in the bedrooms, and repairs never come.", True),
    "sanctions": ("Benefit sanctions without warning", "Payments stopped with no letter explaining why.", False),
    "no_dss": ("Landlords refusing tenants on benefits", "Adverts for flats say no DSS.", False),
    "food": ("Food bank closed at weekends", "There is nowhere to get food from Friday to Monday.", False),
    "waits": ("Long waits for mental health support", "Months on the waiting list for counselling.", False),
    "lights": ("Streetlights broken on the estate", "It's dark and unsafe walking home at night.", False),
    "racism": ("Racist abuse at the job centre", "Staff make comments about our accents.", False),
}

#: what people type when they raise a concern -> the concern they mean
PARAPHRASES = [
    ("Rent went up again and I can't pay", "rent"),
    ("Our rent keeps increasing", "rent"),
    ("Can't afford the rent rise", "rent"),
    ("Rents are too expensive now", "rent"),
    ("The landlord put the rent up", "rent"),
    ("Nobody translates at the doctor's", "interpreter"),
    ("Need an interpreter for appointments", "interpreter"),
    ("The bus stop is miles from the clinic", "bus"),
    ("No buses near the health centre", "bus"),
    ("Mould in my flat", "mould"),
    ("Damp walls and the council won't repair them", "mould"),
    ("My benefits were stopped without a letter", "sanctions"),
    ("Sanctioned with no warning", "sanctions"),
    ("Landlord won't let to people on benefits", "no_dss"),
    ("Flats advertised as no DSS", "no_dss"),
    ("Food bank shut on Saturdays and Sundays", "food"),
    ("Waiting months for counselling", "waits"),
    ("Can't get therapy, the waiting list is too long", "waits"),
    ("Street lights out, not safe at night", "lights"),
    ("Staff at the job centre were racist", "racism"),
]


@pytest.fixture
def board(session, people, raise_one, make_campaign):  # noqa: F811
    ids = {}
    campaign = make_campaign(name="Homes fit to live in")
    for key, (title, description, in_campaign) in CONCERNS.items():
        concern = raise_one(title=title, description=description)
        if in_campaign:
            concern = session.get(Concern, concern.id)
            concern.status = "in_campaign"
            session.add_all([concern, CampaignConcern(campaign_id=campaign.id, concern_id=concern.id)])
            session.commit()
        ids[key] = concern.id
    return ids, campaign


def test_paraphrases_find_the_concern_they_mean_in_the_top_three(session, people, board):
    ids, _campaign = board
    misses = []
    for text, key in PARAPHRASES:
        found = [c.id for c, _score in concern_board.similar(session, org_id=people.org.id, title=text, limit=3)]
        if ids[key] not in found:
            misses.append((text, key))
    recall = 1 - len(misses) / len(PARAPHRASES)
    print(f"\nsimilar concerns: recall@3 = {recall:.2f} over {len(PARAPHRASES)} paraphrases; missed: {misses}")
    assert recall >= 0.8, misses


def test_a_concern_already_in_a_campaign_is_found_with_its_campaign(session, people, board):
    ids, campaign = board
    [(first, _score), *_] = concern_board.similar(session, org_id=people.org.id,
                                                  title="Rent went up again and I can't pay")
    assert first.id == ids["rent"] and first.status == "in_campaign"
    assert concern_board.campaigns_of(session, [first.id]) == {first.id: [(campaign.id, campaign.name)]}


def test_the_raise_page_says_a_campaign_exists_above_the_submit_button(session, client, login, people, board):
    from tests.factories import csrf_token

    _ids, campaign = board
    login(people.other_client)
    path = f"/o/{people.org.slug}/concerns/new"
    page = client.post(path, data={"title": "Rent went up again and I can't pay", "description": "",
                                   "categories": "housing", "submit": "check", "csrf_token": csrf_token(client, path)}
                       ).get_data(as_text=True)
    notice = page.index("There is already a campaign about this: join or support it.")
    assert notice < page.index('value="raise"')
    assert f'href="/campaigns/{campaign.id}"' in page[notice:page.index('value="raise"')]


def test_the_api_names_the_campaign_a_similar_concern_is_in(api, people, board):
    ids, campaign = board
    found = api(people.other_client).get(f"/api/v1/orgs/{people.org.id}/concerns/similar",
                                         query_string={"q": "Rent went up again and I can't pay"}).get_json()
    assert found[0]["id"] == ids["rent"] and found[0]["campaigns"] == [{"id": campaign.id, "name": campaign.name}]
