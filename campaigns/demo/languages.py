"""Demo people who read Spanish: Lucía (a client) supports the interpreter concern and raises one of her own,
lets Marta (her social worker) help with sign-ups, and signs up for the letter-writing evening; the rents
campaign and its actions carry their words in Spanish, so both see the app, their mail and their nudges in it."""

from __future__ import annotations

CAMPAIGN_ES = {"name": "Alquileres justos en el barrio Riverside",
               "summary": "Los alquileres del barrio subieron un 18 % en un año, mientras los sueldos y las ayudas "
                          "se quedaron igual.",
               "ask": "Limitar las subidas del alquiler a la inflación y publicar cómo se fijan los alquileres."}
ACTIONS_ES = {
    "town_hall": {"title": "Asamblea: los alquileres del barrio",
                  "description": "Los vecinos cuentan a la comisión lo que significan para ellos las subidas."},
    "meeting": {"title": "Reunión con la presidenta de la comisión de vivienda",
                "description": "Cinco de nosotros presentamos las firmas y pedimos el límite al alquiler."},
    "letters": {"title": "Tarde de escribir cartas",
                "description": "Hay té, modelos de carta y sellos."},
}


def build(world) -> None:
    from campaigns.services import concerns, consents, content_translations, signups

    session, people, org = world.session, world.people, world.org
    lucia, marta, coordinator = people["cliente"], people["trabajadora"], people["coordinator"]
    interpreter = world.extra["concerns"]["interpreter"]
    concerns.support(session, concern_id=interpreter.id, actor=lucia)
    concerns.raise_concern(session, org_id=org.id, actor=lucia, title="No hay intérprete en el centro de salud",
                           description="En las citas no hay intérprete y salgo sin entender lo que me dicen.",
                           categories=["health_access", "cultural_language"], tags=["intérprete"])
    for scope in ("raise_concerns", "support_concerns", "sign_up"):
        consents.give(session, client=lucia, worker_id=marta.id, org_id=org.id, scope=scope)

    volunteering = world.extra["volunteering"]
    content_translations.translate_content(session, actor=coordinator, subject=volunteering["campaign"],
                                           locale="es", texts=CAMPAIGN_ES)
    for key, texts in ACTIONS_ES.items():
        content_translations.translate_content(session, actor=coordinator, subject=volunteering["actions"][key],
                                               locale="es", texts=texts)
    signups.sign_up(session, task_id=volunteering["tasks"]["writers"].id, user=lucia)
