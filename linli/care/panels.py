from linli.care import selectors


def person_services(actor, person):
    return "care/_person_services.html", {
        "services": selectors.services(actor=actor, person=person)[:20],
        "meals": person.meals.select_related("canteen").order_by("-served_on")[:10]}
