"""What the demo learners' evidence says and which ACs it covers, written as an assessor
would write it, so a new user sees a portfolio they recognise.

Words in braces are filled from the learner and their employer ({first}, {employer},
{witness}, and the workplace phrases in FLAVOUR), so one record reads right at a shop, a
contact centre, a leisure centre or a building society. Methods are chosen so no unit's
rules bar them (C&G 2794 bars self-assessment, recorded as "other"; SFJ and EDI bar
simulation for competence), and the operations would refuse them anyway.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.caseload.demo_questions import STARTER

MET, WORKING = "met", "working_towards"

# Workplace phrases by demo employer; GENERIC where the user has renamed one.
GENERIC = {
    "busy": "the busiest part of the day", "query": "a customer with a problem about an order",
    "system": "the customer records system", "log": "the customer contact log",
    "offer": "the products and services the organisation offers",
    "external": "the people who buy and use what we offer",
    "internal": "the colleagues and teams who rely on my work",
}
FLAVOUR = {
    "Harbourside Home Stores": {
        "busy": "the Saturday-morning queue at the tills",
        "query": "a customer bringing back a toaster that had stopped working, without a receipt",
        "system": "the till and the stock look-up", "log": "the returns log at the service desk",
        "offer": "home and kitchen goods, home delivery and a two-year care plan",
        "external": "people shopping in store and ordering online for home delivery",
        "internal": "the warehouse team, the delivery drivers and head office buyers",
    },
    "Northgate Energy Contact Centre": {
        "busy": "the Monday-morning peak on the inbound lines",
        "query": "a caller disputing an estimated gas bill",
        "system": "the billing system and the account notes",
        "log": "the account notes in the customer records system",
        "offer": "gas and electricity tariffs, smart meters and the priority services register",
        "external": "householders and small businesses on our tariffs",
        "internal": "the billing team, the metering engineers and the complaints team",
    },
    "Greenway Leisure Centre": {
        "busy": "the after-school rush at reception when swimming lessons start",
        "query": "a member asking to freeze her membership after a knee operation",
        "system": "the bookings and membership system", "log": "the membership changes log",
        "offer": "gym and swim memberships, swimming lessons and the GP referral scheme",
        "external": "members, swimmers, parents booking lessons and visiting clubs",
        "internal": "the lifeguards, the fitness instructors and the cleaning team",
    },
    "Calder Valley Building Society": {
        "busy": "the lunchtime queue at the counter",
        "query": "a customer asking why a cheque paid in on Monday had not cleared",
        "system": "the counter system and the customer record",
        "log": "the customer contact log in the branch",
        "offer": "savings accounts, mortgages and appointments with a mortgage adviser",
        "external": "savers, mortgage customers and people opening their first account",
        "internal": "the mortgage advisers, the head office payments team and the call centre",
    },
}


@dataclass(frozen=True)
class DemoRecord:
    method: str
    title: str
    location: str
    details: dict
    covers: tuple[tuple[str, str, str], ...]   # (unit number, "1.1 1.2", status)


def _bank(unit: str, refs: str) -> str:
    """A starter question from the demo's question bank, word for word."""
    return next(q for u, r, q, _ in STARTER if u == unit and r == refs)


OBSERVATION_AT_WORK = {
    "workplace": "{place}, {employer}",
    "start_time": "10:05", "end_time": "11:20",
    "activities": "{first} worked through {busy}, then covered the service desk. Observed: "
                  "greeting customers, helping a customer who could not read the small print "
                  "on a leaflet, answering questions about {offer}, dealing with {query}, and "
                  "handing over to a colleague at the end of the session.",
    "notes": [
        {"at": "10:08", "text": "Uniform and name badge as the dress code asks; desk tidy and "
                                "leaflets stocked before the first customer."},
        {"at": "10:21", "text": "Greets each customer, eye contact, smiles; same courtesy to "
                                "every customer in the queue."},
        {"at": "10:37", "text": "Customer struggling with the small print: reads it out and "
                                "offers a large-print copy without being asked."},
        {"at": "10:52", "text": "Open questions to find out what the customer needs before "
                                "suggesting anything."},
        {"at": "11:04", "text": "Asks a colleague to check {system} and tells the customer how "
                                "long it will take."},
        {"at": "11:16", "text": "Handover: which customers are waiting and what for."},
    ],
    "judgement": "Competent in everything observed. {first} treated every customer with the "
                 "same courtesy, adapted to a customer's needs without being asked, followed "
                 "the dress code and the organisation's values, and kept colleagues informed so "
                 "nobody was left waiting.",
    "feedback": "Very good work at a busy time. Next time, sum up what you have agreed before "
                "the customer leaves; we will look at that for managing expectations.",
    "learner_comments": "I was nervous at first, but once it got busy I forgot you were there.",
}

OBSERVATION_PROBLEM = {
    "workplace": "{place}, {employer}",
    "start_time": "14:10", "end_time": "14:55",
    "activities": "Observed {first} dealing with {query}, from first contact to the agreed "
                  "next step, then recording it in {log}.",
    "notes": [
        {"at": "14:12", "text": "Lets the customer explain without interrupting; stays calm "
                                "when the customer raises their voice."},
        {"at": "14:24", "text": "Checks {system} and explains what can and cannot be done."},
        {"at": "14:40", "text": "Offers two options; customer chooses the second."},
    ],
    "judgement": "",
    "feedback": "",
    "learner_comments": "",
}

DISCUSSION_EXPERIENCE = {
    "duration": "35",
    "topics": "What a customer focused experience means at {employer}; finding out the facts "
              "before acting; working as a team; good practice and how it is shared.",
    "summary": "{first} described a customer focused experience as one where the customer "
               "feels the visit was arranged around them: they are greeted, listened to and "
               "leave knowing what happens next. To establish the facts {first} asks what "
               "happened, checks {system} and repeats it back before offering anything, and "
               "explained how knowing the facts stops a customer being passed from person to "
               "person, using {query} as the example. On teamwork: listening, doing what you "
               "said you would, asking for help early and passing on information before a "
               "break. Good practice named: the mystery-shopper feedback the team reads each "
               "month and a colleague who always rings customers back the same day; it is "
               "shared at team huddles, on the staff noticeboard and by buddying new starters.",
    "bookmarks": [],
}

DISCUSSION_RULES = {
    "duration": "30",
    "topics": "Laws and regulations that affect {employer}; health and safety; keeping "
              "customers' information confidential.",
    "summary": "{first} named the Consumer Rights Act, the Equality Act, UK GDPR and the "
               "Health and Safety at Work Act, and explained how each affects the service "
               "given: refunds and repairs, adjustments for disabled customers, and what may be "
               "said about a customer's account. Own responsibility: follow the procedures, "
               "check identity before discussing an account, report hazards. Confidentiality: "
               "addresses, payment details and account history stay in {system}; screens are "
               "locked and nothing is discussed within earshot of other customers. Knew that "
               "employers must provide a safe workplace and training, but was unsure what "
               "employees' own duties are beyond reporting hazards: to revisit.",
    "bookmarks": [],
}

WITNESS_AT_WORK = {
    "witness_name": "{witness}", "job_title": "{witness_role}",
    "relationship": "Line manager", "contact": "{contact}",
    "seen_when": "Over the last two months, on most of {first}'s shifts",
    "what_they_saw": "I work alongside {first} most days. {first} gets on well with the team, "
                     "steps in to help when {busy} builds up without being asked, and always "
                     "tells the next shift about customers who are coming back. At our team "
                     "huddle {first} told everyone what had been learned from a difficult "
                     "complaint and suggested a change to how we keep {log}; we now use it.",
}

PRODUCT_LOG = {
    "item": "{first}'s entries in {log}",
    "held_at": "{place}, {employer}",
    "shows": "Entries over three weeks, each with what the customer asked, what was agreed, "
             "who it was passed to and when the customer was told the outcome. Seen with "
             "{first} and kept in situ: the log holds other customers' details.",
}


def _questions(*rows: tuple[str, str, str]) -> dict:
    return {"mode": "oral", "questions": [
        {"question": q, "answer": a, "decision": d} for q, a, d in rows]}


# -- C&G 2794 ----------------------------------------------------------------------------

CG = {
    "obs_floor": DemoRecord(
        "Obs", "Customers at a busy time, then the service desk", "{place}",
        OBSERVATION_AT_WORK,
        (("204", "3.1 3.2 3.3 4.2 4.3 4.4", MET), ("205", "2.1 2.2 2.3 2.4 2.5 4.1 4.2 4.3", MET))),
    "q_customers": DemoRecord(
        "Q", "Questions on customers and trust", "Training room, {employer}",
        _questions(
            ("Who are your own customers in your role, and what types of customer do you deal with?",
             "Mine are {external}. Types: regulars who know what they want, people in a hurry, "
             "people who need more help, and customers who are unhappy about something.",
             "Satisfactory: names own customers and four types."),
            (_bank("204", "1.2, 1.4, 1.5"),
             "External: {external}. Internal: {internal}. Internal customers work for "
             "{employer} too and rely on me to do my part on time.",
             "Satisfactory: the difference explained with examples of each."),
            (_bank("204", "2.4, 2.5"),
             "If customers trust us they come back and tell their friends. I build it by doing "
             "what I say I will, telling them straight away if something cannot be done, and "
             "ringing back when I promised.",
             "Satisfactory: why trust matters and how {first} builds it.")),
        (("204", "1.1 1.2 1.3 1.4 1.5 2.4 2.5", MET),)),
    "pd_experience": DemoRecord(
        "PD", "Creating a customer focused experience", "Meeting room, {employer}",
        DISCUSSION_EXPERIENCE, (("204", "2.1 2.2 2.3 4.1 5.1 5.2", MET),)),
    "pe_huddle": DemoRecord(
        "P", "Team huddle notes and an improvement suggestion", "{place}",
        {"item": "Team huddle notes and {first}'s written suggestion for {log}",
         "held_at": "Team huddle folder in the staff room, {employer}",
         "shows": "The huddle notes record {first} telling the team what was learned from a "
                  "difficult complaint (sharing personal learning). The suggestion sets out "
                  "the problem, the proposed change to {log} and why customers would benefit; "
                  "{witness} has signed it as adopted. Seen with {first}; kept in situ."},
        (("204", "5.3 5.4", MET),)),
    "wt_manager": DemoRecord(
        "Wt", "Witness testimony from {witness}", "{employer}", WITNESS_AT_WORK,
        (("204", "4.2 4.3 5.3", MET),)),
    "q_products": DemoRecord(
        "Q", "Questions on products, services and expectations", "{place}",
        _questions(
            (_bank("205", "1.1, 1.2"),
             "We offer {offer}. A product is something the customer takes away; a service is "
             "something we do for them, like advice or booking an appointment.",
             "Satisfactory: 1.1 and 1.2."),
            (_bank("205", "1.3"),
             "A feature is what it is or does; the benefit is what the customer gets out of it, "
             "for example it saves them time or gives them peace of mind.",
             "Satisfactory, with an example from {employer}."),
            (_bank("205", "5.5, 5.6"),
             "What the customer thinks they will get, from last time, adverts or friends. I "
             "adapt when someone is in a hurry, has a disability, or is not confident in English.",
             "Satisfactory: 5.5 and 5.6.")),
        (("205", "1.1 1.2 1.3 5.5 5.6", MET),)),
    "q_products_short": DemoRecord(
        "Q", "Questions on products and services", "{place}",
        _questions(
            (_bank("205", "1.1, 1.2"),
             "We offer {offer}. A product you take away; a service is done for you.",
             "Satisfactory: 1.1 and 1.2."),
            (_bank("205", "1.3"),
             "Features are what it is; benefits are what the customer gains, like saving money.",
             "Satisfactory."),
            (_bank("205", "1.4"),
             "Team briefings every morning, the intranet updates and asking the supervisor.",
             "Satisfactory: could say more about how often; accepted.")),
        (("205", "1.1 1.2 1.3 1.4", MET),)),
    "obs_problem": DemoRecord(
        "Obs", "Dealing with a customer's problem", "{place}", OBSERVATION_PROBLEM,
        (("205", "3.3 3.4 3.5", WORKING), ("206", "1.1 1.2 2.1 2.2", WORKING))),
    "obs_problem_206": DemoRecord(
        "Obs", "Managing a customer's expectations", "{place}", OBSERVATION_PROBLEM,
        (("206", "2.1 2.2 2.3 4.1 4.2 4.3", WORKING),)),
    "pd_rules": DemoRecord(
        "PD", "Regulations, health and safety and confidentiality", "Meeting room, {employer}",
        DISCUSSION_RULES, (("202", "1.1 1.2 1.3 3.1 3.2 3.3", MET), ("202", "2.1 2.2 2.3", WORKING))),
    "obs_counter": DemoRecord(
        "Obs", "Serving customers at a busy time", "{place}", OBSERVATION_AT_WORK,
        (("205", "2.1 2.2 2.3 2.4 2.5 4.1 4.2 4.3", MET), ("205", "4.4", WORKING),
         ("206", "1.1 1.3 1.7", MET))),
    "wt_supports": DemoRecord(
        "Wt", "Witness testimony from {witness}", "{employer}", WITNESS_AT_WORK,
        (("205", "4.5", WORKING), ("206", "1.2 2.1", WORKING))),
    "pe_log": DemoRecord(
        "P", "Entries in {log}", "{place}", PRODUCT_LOG,
        (("206", "4.4", MET), ("205", "3.5", WORKING))),
}

# -- EDI Level 2 NVQ Certificate -----------------------------------------------------------

EDI = {
    "obs_greeting": DemoRecord(
        "Obs", "Greeting and helping customers", "{place}", OBSERVATION_AT_WORK,
        (("CU791", "1.1 1.3 2.1 2.2", MET), ("CU791", "1.2", WORKING),
         ("CU792", "1.1 1.2 1.3", MET))),
    "q_language": DemoRecord(
        "Q", "Questions on customer service language", "Training room, {employer}",
        _questions(
            ("What is the difference between an internal and an external customer, and who "
             "are your customers?",
             "External customers are {external}; internal ones are {internal}.",
             "Satisfactory: 3.1 and 3.8."),
            ("What does {employer} offer its customers?",
             "We offer {offer}.", "Satisfactory: 3.2."),
            ("How are customers' expectations linked to how satisfied they are?",
             "If we give what they expected or a bit more they are satisfied; if we promise "
             "more than we give they are not, even when the service was good.",
             "Satisfactory: 3.3.")),
        (("CU791", "3.1 3.2 3.3 3.8", MET),)),
    "pd_rules": DemoRecord(
        "PD", "Following the rules to deliver customer service", "Meeting room, {employer}",
        DISCUSSION_RULES,
        (("CU792", "2.1 2.2 2.3 2.6 2.7 2.8", MET), ("CU792", "2.9 2.10", WORKING))),
    "wt_manager": DemoRecord(
        "Wt", "Witness testimony from {witness}", "{employer}", WITNESS_AT_WORK,
        (("CU791", "1.2", MET), ("CU792", "1.4 1.5", WORKING))),
    "pe_log": DemoRecord(
        "P", "Entries in {log}", "{place}", PRODUCT_LOG,
        (("CU791", "2.3", MET), ("CU791", "3.12 3.13", WORKING))),
    "obs_problem": DemoRecord(
        "Obs", "Dealing with a customer's problem", "{place}", OBSERVATION_PROBLEM,
        (("CU792", "1.4 1.5", WORKING), ("CU791", "3.15", WORKING))),
}

# -- SFJ Awards Level 3 Diploma -----------------------------------------------------------

SFJ = {
    "obs_delivery": DemoRecord(
        "Obs", "Organising the service at a busy time", "{place}", OBSERVATION_AT_WORK,
        (("Unit 1", "2.1 2.4 2.5 3.1 3.2", MET), ("Unit 1", "3.4", WORKING),
         ("Unit 3", "2.1 2.5 2.6", MET))),
    "pd_environment": DemoRecord(
        "PD", "The customer service environment and the brand", "Meeting room, {employer}",
        {"duration": "40",
         "topics": "Customer service as a competitive tool; the customer journey; the brand; "
                   "service standards.",
         "summary": "{first} explained why customers choose {employer} over competitors and how "
                    "service keeps them, mapped the customer journey for {query}, and described "
                    "how poor service at one step damages the brand. Linked the organisation's "
                    "service standards to what customers expect. Differentiated wants, needs "
                    "and expectations with examples. Service models: described the one in use "
                    "but not yet how it compares with others: to revisit.",
         "bookmarks": []},
        (("Unit 2", "1.1 1.2 2.1 2.2 2.3", MET), ("Unit 2", "3.1", WORKING),
         ("Unit 1", "1.1 1.3", MET))),
    "q_problems": DemoRecord(
        "Q", "Questions on resolving customers' problems", "Training room, {employer}",
        _questions(
            ("How do you keep track of customers' problems, and which way works best?",
             "Everything goes in {log}; we look at it weekly. The log works better than "
             "emails because anyone can pick a problem up.",
             "Satisfactory: 1.1."),
            ("How does sorting out a problem well make customers more loyal?",
             "They remember how we dealt with it more than the problem; they come back and "
             "recommend us.", "Satisfactory: 1.3."),
            ("When should a problem be treated as a complaint?",
             "When the customer says it is, when we got something wrong, or when it cannot be "
             "put right there and then.", "Satisfactory: 2.2.")),
        (("Unit 3", "1.1 1.3 2.2", MET), ("Unit 3", "1.4", WORKING))),
    "wt_manager": DemoRecord(
        "Wt", "Witness testimony from {witness}", "{employer}", WITNESS_AT_WORK,
        (("Unit 3", "2.7 2.9", MET), ("Unit 1", "3.3", WORKING))),
    "pe_plan": DemoRecord(
        "P", "Personal development plan and skills gap analysis", "{place}",
        {"item": "{first}'s personal development plan and skills gap analysis",
         "held_at": "{first}'s training file in the manager's office, {employer}",
         "shows": "A skills gap analysis agreed with {witness} and a plan with SMART actions "
                  "(complaints course, shadowing a team leader) that fits the team's targets. "
                  "Review notes and feedback from colleagues are due next month. Kept in situ."},
        (("Unit 5", "2.3 2.4", MET), ("Unit 5", "3.2 3.3", WORKING))),
    "obs_problem": DemoRecord(
        "Obs", "Dealing with a customer's problem", "{place}", OBSERVATION_PROBLEM,
        (("Unit 3", "2.8", WORKING), ("Unit 1", "2.2 2.6", WORKING))),
}

RECORDS = {"cg-2794-02": CG, "edi-l2-nvq-customer-service": EDI,
           "sfj-l3-diploma-customer-service": SFJ}

# Per qualification, a plan for the first, second and third demo learner on it:
# (record, days ago, state). The fourth learner on each has no evidence, so the empty
# portfolio can be tried too. The first C&G 2794 learner is far along: unit 204 has every
# AC met with the observation its rules require, and its evidence is signed.
PLANS: dict[str, list[list[tuple[str, int, str]]]] = {
    "cg-2794-02": [
        [("obs_floor", 40, "signed"), ("q_customers", 38, "signed"), ("pd_experience", 31, "signed"),
         ("pe_huddle", 24, "signed"), ("wt_manager", 20, "signed"), ("q_products", 12, "ready"),
         ("pd_rules", 8, "ready"), ("obs_problem", 3, "draft")],
        [("obs_counter", 35, "ready"), ("q_products_short", 28, "ready"), ("pd_rules", 21, "ready"),
         ("pe_log", 13, "ready"), ("obs_problem_206", 4, "draft")],
        [("obs_counter", 24, "ready"), ("wt_supports", 18, "ready"), ("obs_problem_206", 6, "draft")],
    ],
    "edi-l2-nvq-customer-service": [
        [("obs_greeting", 33, "ready"), ("q_language", 26, "ready"), ("pd_rules", 19, "ready"),
         ("wt_manager", 12, "ready"), ("obs_problem", 2, "draft")],
        [("obs_greeting", 27, "ready"), ("q_language", 20, "ready"), ("pe_log", 11, "ready"),
         ("obs_problem", 5, "draft")],
        [("obs_greeting", 16, "ready"), ("pd_rules", 9, "ready"), ("wt_manager", 6, "draft")],
    ],
    "sfj-l3-diploma-customer-service": [
        [("obs_delivery", 36, "ready"), ("pd_environment", 29, "ready"), ("q_problems", 22, "ready"),
         ("pe_plan", 15, "ready"), ("obs_problem", 3, "draft")],
        [("obs_delivery", 30, "ready"), ("q_problems", 23, "ready"), ("wt_manager", 14, "ready"),
         ("obs_problem", 5, "draft")],
        [("pd_environment", 20, "ready"), ("wt_manager", 13, "ready"), ("pe_plan", 7, "draft")],
    ],
}

# The unit the far-along learner can be signed off in (C&G 2794 first plan above).
COMPLETE_UNIT = ("cg-2794-02", 0, "204")
