"""Demo concerns: some shared (at or above k), some still below k, one raised by the worker for a client under
consent, and one assessment. The shared ones go to `world.extra["shared_concerns"]` for the campaigns step."""

from __future__ import annotations

#: (key, author nickname, title, description, categories, tags, supporter nicknames)
CONCERNS = [
    ("rent", "client", "Rent rises we can't keep up with",
     "Rents on the estate went up again this year, far faster than wages or benefits. People are skipping meals "
     "to pay the rent, and some are afraid of being evicted.",
     ["housing", "economic"], ["rent", "eviction"], ["client2", "client3", "client4"]),
    ("interpreter", "client2", "No interpreter at the clinic",
     "Appointments go ahead without an interpreter, so people don't understand their diagnosis or treatment, "
     "or bring their children to translate.",
     ["health_access", "cultural_language"], ["interpreter", "clinic"], ["client3", "client5"]),
    ("lighting", "client5", "Unsafe street lighting near the estate",
     "Half the street lights on the path to the bus stop have been broken for months. People avoid going out "
     "after dark, especially women and older residents.",
     ["safety", "community_support"], ["lighting"], ["client", "client2", "client4"]),
    ("damp", "client3", "Damp and mould in council flats",
     "Mould comes back every winter; repairs are promised but never done. Children have asthma.",
     ["housing", "health_access"], ["repairs"], ["client5"]),
    ("benefits", "client4", "Disrespect at the benefits office",
     "Staff talk down to people and make them wait for hours without explanation.",
     ["discrimination", "economic"], [], []),
]


def build(world) -> None:
    from campaigns.services import assessments, concerns, consents

    session, people, org = world.session, world.people, world.org
    # the client lets their worker raise and support concerns for them
    for scope in ("raise_concerns", "support_concerns"):
        consents.give(session, client=people["client"], worker_id=people["worker"].id, org_id=org.id, scope=scope)

    made = {}
    for key, author, title, description, categories, tags, supporters in CONCERNS:
        concern = concerns.raise_concern(session, org_id=org.id, actor=people[author], title=title,
                                         description=description, categories=categories, tags=tags)
        for nick in supporters:
            concerns.support(session, concern_id=concern.id, actor=people[nick])
        made[key] = concern

    # raised by the worker for the client, under the client's consent (only those two see that)
    made["bus"] = concerns.raise_concern(
        session, org_id=org.id, actor=people["worker"], on_behalf_of=people["client"].id,
        title="Bus route to the job centre was cut",
        description="Since the route was cut, getting to appointments takes two buses and over an hour each way; "
                    "missed appointments mean sanctions.",
        categories=["work", "economic"], tags=["transport"])
    # and the worker supports the benefits office concern for the client (still below k afterwards)
    concerns.support(session, concern_id=made["benefits"].id, actor=people["worker"],
                     on_behalf_of=people["client"].id)

    assessments.record(
        session, org_id=org.id, actor=people["worker"], concern_ids=[made["rent"].id],
        affected="Private and council tenants on the estate, many on low or irregular incomes.",
        root_causes="Rent rises are uncapped; housing benefit is frozen below local rents; little social housing.",
        stakeholders="Tenants, private landlords, the housing association, local food bank.",
        targets="The council's housing committee and its chair; the local MP.",
        notes="Tenants' stories are strongest when told in their own words at the committee's public session.")

    for concern in made.values():
        session.refresh(concern)
    world.extra["concerns"] = made
    world.extra["shared_concerns"] = [c for c in made.values() if c.status == "shared"]
