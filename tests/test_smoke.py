from tests.helpers import PASSWORD, log_in, make_user, submit


def test_signup_then_login(app, client):
    response = submit(
        client,
        "/auth/signup",
        {
            "name": "Siobhán Ó Briain",
            "email": "siobhan@example.ac.uk",
            "password": PASSWORD,
            "career_stage": "medical_student",
            "accept_terms": "y",
        },
    )
    assert response.status_code == 303


def test_login(app, client):
    make_user(app, "a@example.com")
    assert log_in(client, "a@example.com").status_code == 303
