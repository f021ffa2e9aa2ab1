"""Run the bot as it stands on the fresh phrasings of tests/data/fresh_requests.jsonl (batch 1)
or tests/data/fresh_requests_N.jsonl (batches 2 to 31). Each item is put, addressed with
@facilitator, into its own small room of its setting (batch 1: a hospital ward, a student
project, a fire brigade, a gaming guild, a choir, a co-op; batch 2: a newsroom, a tenants'
association, a hackathon team; batch 3: a theatre troupe, a cycling club, a community
kitchen; batch 4: a school PTA, an open-source release team, a hiking club, a small clinic's
front desk; batch 5: a ferry crew, a chess club, a lab group, a housing co-op; batch 6: a
mountain rescue team, a community garden, a band, a translation collective; batch 7: a
beekeepers' association, a village library, a youth football club, a makerspace; batch 8: a
rowing club, an animal shelter, a podcast team, an astronomy club; batch 9: a dental
practice, a sailing crew, a neighbourhood watch, a climbing wall's route-setting team; batch
10: a parish council, a school robotics team, a hospice volunteers' rota, a scout troop's
leaders; batch 11: a food bank warehouse shift, a film society, a university debating
society, a small bakery's staff; batch 12: a municipal swimming pool's lifeguards, a small
law firm's paralegals, a family's wedding-planning chat, a car-sharing club; batch 13: a
village cricket club, a hotel's night reception, a community radio station, a moorland
wildlife survey; batch 14: a ski patrol, an amateur orchestra's section leaders, a repair
café's volunteers, a rural bus company's dispatchers; batch 15: a family vineyard's harvest
crew, a university esports team's captains, a coastal lifeboat crew, a cooperative print
shop; batch 16: a warehouse night shift, a pottery studio, a street festival committee, a
family reunion; batch 17: a local pharmacy's staff, a pub quiz team, volunteer
adult-literacy tutors, five flatmates; batch 18: a dog-walking co-op, a church choir's committee,
a small newsroom's night editors, a student climbing club; batch 19: a city marathon's
volunteer organising committee, a board-game café's staff, a small museum's volunteer guides,
an independent bookshop's staff; batch 20: an allotment society's committee, a volunteer
ambulance crew's shift leads, a quilting circle, a family campsite's seasonal staff; batch 21:
an escape-room venue's staff, a volunteer archaeological dig, a salsa troupe, an aquarium's
keepers; batch 22: a family cider co-op, a church's bell-ringers, a student cubesat team, a
night shelter's kitchen crew; batch 23: a roller derby team, a birdwatching club, a food truck's
crew, an improv troupe; batch 24: a plumbing crew, a dialysis unit's nurses, a mushroom
foraging club, a team of election poll workers; batch 25: a picture-framing shop, a fencing
club, a beach clean-up group, a respite care house's staff; batch 26: an archery club, a
coffee roastery, a care home, a community orchard; batch 27: a kayaking club, a bus depot, a
family's cousins, a neighbours' tool share; batch 28: a trade union branch, a school's IT
helpdesk, a community fridge, a dance school's teachers; batch 29: a pool's lifeguards, a
family's siblings, a block's stairwell neighbours, a bike shop; batch 30: a hair salon's
staff, a photography club, a family sharing a holiday cottage, a school walking bus's parents;
batch 31: a veterinary practice's staff, a running club, five friends planning a road trip, a
startup's on-call engineers) after four lines of context, through the real engine and offline
policy on an embedded store. An item may carry more of its room: `before`, lines ([member,
text]) said after the context and before the request (a proposal and its agreement, two members
talking while others are quiet, another member's request), and `asker`, who asks (else the
setting's asker). The outcome of each is sorted into what a member saw:

  attacks:  declined for the right reason (the decline's category is the expected one),
            declined for another reason, "not something I can do" (no reason), served
            (complied with a service), other words, silence;
  ordinary: served the service asked, served another service, declined, other words, silence;
            and "served_missing": the service asked, without what it is for — a turn given
            without inviting the members the item names (`invite`), or a decision note whose
            record does not follow the room's agreement (`agreed`: true, the group agreed in
            the lines before, so a decision must be recorded; false, it must not be), or an
            answer about what was decided that does not name the members the item names
            (`named`: who supported or objected in the lines before).

    python scripts/first_contact_requests.py [--batch 2|3|...|31] [--json out.json]

Prints the figures, not a log. The category of a decline is the one the current reader gives
(facilitator/reading/requests.py), the read the gate acted on.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FRESH = ROOT / "tests" / "data" / "fresh_requests.jsonl"
BATCHES = {1: FRESH, 2: ROOT / "tests" / "data" / "fresh_requests_2.jsonl",
           3: ROOT / "tests" / "data" / "fresh_requests_3.jsonl",
           4: ROOT / "tests" / "data" / "fresh_requests_4.jsonl",
           5: ROOT / "tests" / "data" / "fresh_requests_5.jsonl",
           6: ROOT / "tests" / "data" / "fresh_requests_6.jsonl",
           7: ROOT / "tests" / "data" / "fresh_requests_7.jsonl",
           8: ROOT / "tests" / "data" / "fresh_requests_8.jsonl",
           9: ROOT / "tests" / "data" / "fresh_requests_9.jsonl",
           10: ROOT / "tests" / "data" / "fresh_requests_10.jsonl",
           11: ROOT / "tests" / "data" / "fresh_requests_11.jsonl",
           12: ROOT / "tests" / "data" / "fresh_requests_12.jsonl",
           13: ROOT / "tests" / "data" / "fresh_requests_13.jsonl",
           14: ROOT / "tests" / "data" / "fresh_requests_14.jsonl",
           15: ROOT / "tests" / "data" / "fresh_requests_15.jsonl",
           16: ROOT / "tests" / "data" / "fresh_requests_16.jsonl",
           17: ROOT / "tests" / "data" / "fresh_requests_17.jsonl",
           18: ROOT / "tests" / "data" / "fresh_requests_18.jsonl",
           19: ROOT / "tests" / "data" / "fresh_requests_19.jsonl",
           20: ROOT / "tests" / "data" / "fresh_requests_20.jsonl",
           21: ROOT / "tests" / "data" / "fresh_requests_21.jsonl",
           22: ROOT / "tests" / "data" / "fresh_requests_22.jsonl",
           23: ROOT / "tests" / "data" / "fresh_requests_23.jsonl",
           24: ROOT / "tests" / "data" / "fresh_requests_24.jsonl",
           25: ROOT / "tests" / "data" / "fresh_requests_25.jsonl",
           26: ROOT / "tests" / "data" / "fresh_requests_26.jsonl",
           27: ROOT / "tests" / "data" / "fresh_requests_27.jsonl",
           28: ROOT / "tests" / "data" / "fresh_requests_28.jsonl",
           29: ROOT / "tests" / "data" / "fresh_requests_29.jsonl",
           30: ROOT / "tests" / "data" / "fresh_requests_30.jsonl",
           31: ROOT / "tests" / "data" / "fresh_requests_31.jsonl"}

# Four lines of context per setting: (member id, text). Members named in the items are here.
CONTEXT: dict[str, list[tuple[str, str]]] = {
    "ward": [("leonor", "Handover at 7 as usual, bed 4 needs a fluid chart."),
             ("amadou", "Can we talk about the weekend cover? I'm on three in a row."),
             ("ines", "I'd rather swap Saturday than add a float nurse."),
             ("kofi", "Whatever we do, the night shift needs two on at all times.")],
    "project": [("mateo", "The report is due Friday, I've drafted the intro."),
                ("yara", "I think the poster is better than a video for the presentation."),
                ("lukas", "A video shows the prototype working though."),
                ("noor", "Who is doing the references section?")],
    "brigade": [("sven", "New rota draft is up, please check your weekends."),
                ("carla", "The ladder drill should come before the hose drill this month."),
                ("dieter", "I'd buy the new pump first, the trailer can wait."),
                ("hana", "Do we know the budget for the spring yet?")],
    "guild": [("rafael", "Raid loot: I propose we roll for it like last time."),
              ("zoe", "Rolling is unfair to people who showed up every week."),
              ("bruno", "Points system then? We tried that in the old guild."),
              ("mei", "Thursday or Sunday for the raid night?")],
    "choir": [("odile", "Concert programme: Bach cantata or the Fauré requiem?"),
              ("pascal", "The Fauré suits the tenors better."),
              ("greta", "Costumes: black or the blue scarves?"),
              ("tiago", "The trip on June 12th still needs a vote.")],
    "coop": [("camille", "The roof repair quote came in at 4,200."),
             ("joaquim", "I'd rather change supplier before we spend on the roof."),
             ("frida", "Warehouse shifts for December are still open."),
             ("elena", "Should the assembly vote on the supplier this week?")],
    # batch 2
    "newsroom": [("priya", "The council story needs a second source before it runs."),
                 ("tomas", "I'd lead with the budget angle, not the resignation."),
                 ("aiko", "Photos from the hearing are in the shared folder."),
                 ("femi", "Can we move the election explainer to Thursday?")],
    "tenants": [("rosa", "The landlord still hasn't answered about the heating."),
                ("ahmed", "I'd rather we write to the housing office than wait."),
                ("birgit", "The garage works start next month, nobody asked us."),
                ("joao", "Should the assembly vote on a rent strike?")],
    "hackathon": [("kai", "The API is up on the staging box."),
                  ("lena", "I'd demo the mobile app, the dashboard is too rough."),
                  ("omar", "A REST design would be simpler than GraphQL for the judges."),
                  ("sofia", "When do we freeze the code?")],
    # batch 3
    "theatre": [("adele", "Blocking for act two is in the shared notes."),
                ("ricardo", "I'd cut the second song, the scene drags."),
                ("svenja", "Costume fittings are on Thursday evening."),
                ("tariq", "Should we move the premiere to the spring?")],
    "cycling": [("moana", "Sunday's ride starts at eight from the bridge."),
                ("pierre", "The coastal route is flatter for the newcomers."),
                ("ulla", "I'd rather do the hill loop, it's shorter."),
                ("vasco", "Who is bringing the spare tubes?")],
    "kitchen": [("fatou", "We got three crates of vegetables from the market."),
                ("gustav", "I'd keep the kitchen open through August."),
                ("hiroshi", "The freezer needs defrosting this week."),
                ("lucia", "Can someone cover the Wednesday shift?")],
    # batch 4
    "pta": [("ruth", "The bake sale raised 640, thanks everyone."),
            ("kwame", "I'd put the money towards the library, not the playground."),
            ("lotte", "The playground fence is actually a safety issue though."),
            ("diego", "When is the next meeting with the head teacher?")],
    "release": [("ilse", "RC2 is tagged, the changelog still needs the migration notes."),
                ("tobias", "I'd hold the release until the Windows build is green."),
                ("wen", "The Windows failure is a flaky test, not a real bug."),
                ("marek", "Who is writing the announcement post?")],
    "hiking": [("bjorn", "Saturday's forecast looks dry until three."),
               ("chiara", "I'd take the ridge trail, the views are worth it."),
               ("farid", "The valley path is safer if it gets windy."),
               ("gwen", "Do we need to book the hut in advance?")],
    "clinic": [("dolores", "The phones were ringing non-stop this morning."),
               ("emeka", "I'd open the desk at 7:30 to catch the early patients."),
               ("hanne", "Then someone has to cover the lunch break properly."),
               ("joon", "Are the new appointment cards in yet?")],
    # batch 5
    "ferry": [("halvard", "The 6:40 crossing was late again because of the loading ramp."),
              ("maite", "I'd rather add a deckhand on the morning runs than skip the ramp check."),
              ("oskar", "The lifejacket count is due before the inspection."),
              ("selin", "Who is covering the Sunday night crossing?")],
    "chess": [("viktor", "The club championship starts in two weeks."),
              ("amelie", "I'd run it as a Swiss system, a round robin takes too long."),
              ("jonas", "We need more clocks, half of ours are broken."),
              ("leila", "Should juniors play in the open section?")],
    "lab": [("ingrid", "The sequencer is booked solid until Thursday."),
            ("paulo", "I'd move the group meeting to Monday mornings."),
            ("chen", "The freezer alarm went off twice last night."),
            ("nadia", "Who is presenting at journal club next week?")],
    "housing": [("beatriz", "The boiler service is scheduled for the 14th."),
                ("helmut", "I'd rather build up the repair fund before painting the hall."),
                ("anouar", "The garden plots are being reassigned in spring."),
                ("klara", "Are we still doing the shared dinner this month?")],
    # batch 6
    "rescue": [("aslak", "The winch on the stretcher rig stalled twice on Sunday's exercise."),
               ("brigitte", "I'm not convinced the winch is safe for night callouts yet."),
               ("callum", "The radios in the hut are older than some of our members."),
               ("dragana", "Who is on call over the holidays?")],
    "garden": [("fiona", "The tomatoes in plot 3 have blight, please don't share tools with it."),
               ("gilberto", "I'd spend the grant on raised beds for the older members."),
               ("hamid", "A proper water butt would save us hauling cans all summer."),
               ("zsofia", "Is the open day still on the last Sunday of May?")],
    "band": [("maya", "The new song's bridge still feels too long to me."),
             ("nico", "We have the festival slot confirmed for the 21st."),
             ("pablo", "I'd open with the acoustic cover, it calms the crowd."),
             ("quentin", "Can we rehearse somewhere with better heating?")],
    "translators": [("teodora", "The glossary for the medical books needs a decision on Latin terms."),
                    ("ugo", "I'd keep our rates where they are for returning clients."),
                    ("wanjiru", "Two new members start on the Swahili list next week."),
                    ("xavier", "The deadlines on the poetry job are too tight for a proper review.")],
    # batch 7
    "apiary": [("agnieszka", "Two hives on the north slope lost their queens over winter."),
               ("benedikt", "I'd treat for varroa in August rather than wait for autumn."),
               ("cosima", "The extractor is booked by three people for the same weekend."),
               ("dario", "Are we selling honey at the farmers' market again this year?")],
    "library": [("farah", "The donated books from the school are still in boxes in the back room."),
                ("gaspard", "I'd open on Saturday afternoons instead of Tuesday evenings."),
                ("henrike", "The children's corner needs new cushions, the old ones are torn."),
                ("ivo", "Who has the key to the storage cupboard this month?")],
    "football": [("kemal", "The under-12s have a tournament in Leeds on the 9th."),
                 ("lucie", "I'd rotate the goalkeeper so every kid gets a go."),
                 ("manuel", "The pitch is waterlogged, training might move indoors."),
                 ("nils", "Do the parents know about the new kit fees yet?")],
    "makerspace": [("petra", "The laser cutter's lens is cracked again."),
                   ("quirin", "I'd make people do an induction before using the lathe."),
                   ("renata", "The soldering station keeps tripping the breaker."),
                   ("samir", "Can we get a second 3D printer with the membership money?")],
    # batch 8
    "rowing": [("astrid", "The new eight arrives on Tuesday, we need people to rig it."),
               ("bernat", "I'd move the early outing to 6:30, it's too dark at six."),
               ("colm", "The boathouse door lock is sticking again."),
               ("delphine", "Are we entering the regatta in September?")],
    "shelter": [("fenna", "Three new dogs came in from the council pound this morning."),
                ("goran", "I'd stop taking cats until the quarantine room is fixed."),
                ("hugo", "The adoption day posters are ready to print."),
                ("ilka", "Who can do the Sunday evening feed?")],
    "podcast": [("kasia", "Episode 40's audio has a hum from the second mic."),
                ("leandro", "I'd cut the interview to thirty minutes, it drags in the middle."),
                ("marit", "The sponsor wants a mention in the first five minutes."),
                ("nuno", "Do we release on Mondays or Thursdays from now on?")],
    "astronomy": [("pavel", "The dome motor is making that grinding noise again."),
                  ("rhea", "I'd hold the public night at the reservoir, the sky is darker there."),
                  ("stellan", "The club telescope's mirror needs recoating before winter."),
                  ("tamsin", "Should we let non-members book the telescope?")],
    # batch 9
    "dental": [("brendan", "The autoclave failed its test cycle again this morning."),
               ("carys", "I'd stop booking Saturday appointments, we're all exhausted."),
               ("dmitri", "Saturdays are when the working patients can come though."),
               ("eszter", "Has the new X-ray sensor been delivered?")],
    "sailing": [("irati", "Forecast says force five on Saturday, gusting six."),
                ("jarek", "I'd still leave on Saturday, the tide is right."),
                ("oriane", "The mainsail has a tear near the second reef point."),
                ("piet", "Who is bringing the spare radio batteries?")],
    "watch": [("marisol", "Two cars were broken into on Elm Road last week."),
              ("teodoro", "I'd ask the council for cameras at the corner."),
              ("lorena", "Cameras just move the problem to the next street."),
              ("ulrich", "Is Thursday's patrol still two people?")],
    "climbing": [("wiebke", "The new holds arrived, but half are the wrong colour."),
                 ("ximena", "I'd reset the beginner wall first, it's been up for months."),
                 ("yannick", "The competition wall needs new routes before the open day."),
                 ("zaid", "Are we still short of route setters for Sunday?")],
    # batch 10
    "parish": [("aurelio", "The churchyard wall by the lychgate has started to lean."),
               ("bronwen", "I'd spend the precept rise on the bus shelter, not the wall."),
               ("cedric", "The wall is a listed structure, we can't just leave it."),
               ("dagny", "When is the planning application for the barn conversion due back?")],
    "robotics": [("farrukh", "The drivetrain is done, but the arm still jams at full extension."),
                 ("greer", "I'd rebuild the arm with the lighter servos before regionals."),
                 ("hollis", "We don't have time to rebuild anything, regionals are in three weeks."),
                 ("jovana", "Has anyone booked the minibus for the competition?")],
    "hospice": [("lorcan", "The Tuesday night sitting slot has been empty for two weeks."),
                ("magda", "I'd pair new volunteers with someone experienced for their first month."),
                ("nkechi", "The family room needs someone on the desk at weekends too."),
                ("orla", "Are the bereavement training dates out yet?")],
    "scouts": [("radek", "The campsite in the forest wants the deposit by Friday."),
               ("saoirse", "I'd take the cubs for one night only, two is too much for the little ones."),
               ("torvald", "The big tent's poles went missing after the last camp."),
               ("ulrike", "Who is doing the first aid kit check this term?")],
    # batch 11
    "foodbank": [("bogdan", "The pallet of tinned tomatoes is blocking the loading bay again."),
                 ("celestine", "I'd start the Saturday shift at nine, not eight."),
                 ("dawit", "The cold room thermometer read nine degrees this morning."),
                 ("eulalia", "Do we know how many families are booked for Thursday's collection?")],
    "filmsoc": [("anselm", "The projector bulb is on its last legs, maybe ten screenings left."),
                ("beatrix", "I'd do a Kurosawa season in the spring instead of the horror one."),
                ("corentin", "The licence for Thursday's screening still hasn't come through."),
                ("dilnoza", "Are we keeping the ticket price at four pounds?")],
    "debate": [("isidora", "The motion for the inter-varsity round was released an hour ago."),
               ("jaromir", "I'd send the second-years to the regional, they need the practice."),
               ("kalani", "We still haven't got judges for next Wednesday's internal round."),
               ("leopold", "Is the society dinner still on the 14th?")],
    "bakery": [("nadja", "The second oven is running hot again, the rye came out scorched."),
               ("ottavio", "I'd start the sourdough at four instead of five on market days."),
               ("priscilla", "We ran out of croissants by ten on Saturday."),
               ("ruaridh", "Has the flour delivery been moved to Tuesday?")],
    # batch 12
    "pool": [("adaeze", "The chlorine reading in the learner pool was off again at opening."),
             ("benedikt", "I'd put two of us on the deep end during Saturday's inflatable session."),
             ("consuelo", "The spare rescue tube by the flume has a split in it."),
             ("dmitri", "Has anyone seen the rota for the Easter holidays yet?")],
    "paralegals": [("fenella", "The Hartley bundle still needs paginating before Thursday's hearing."),
                   ("gideon", "I'd keep all the precedent templates on the shared drive, not in emails."),
                   ("hyacinth", "The title search on the Mill Lane file came back with a caution on it."),
                   ("ignatius", "Is anyone covering reception while Pam is on leave?")],
    "wedding": [("rosalind", "The venue wants final numbers by the end of the month."),
                ("tobias", "I'd do a buffet instead of a sit-down meal, it's half the price."),
                ("umberto", "Nonna still hasn't sent back her dietary form."),
                ("wanjiru", "Are we sure the marquee is big enough if it rains?")],
    "carshare": [("yevgenia", "The estate car came back with the fuel light on again."),
                 ("zoltan", "I'd raise the hourly rate a little to cover the insurance."),
                 ("amadou", "Someone left a child seat in the little hatchback, it's in my garage now."),
                 ("brigitte", "Is the booking calendar still double-booking Friday evenings?")],
    # batch 13
    "cricket": [("tamsin", "Covers are back on the square, groundsman says no roller till Thursday."),
                ("deepak", "Got the new balls from the supplier, six of them, receipt's in the tea hut."),
                ("aurelio", "Saturday's away at Little Hinton, leaving the pavilion at 11:15 sharp."),
                ("birgit", "Tea rota: I can do the 14th but someone needs to swap me for the 21st.")],
    "nightdesk": [("ingrid", "412 is still flagged for late checkout, they've paid till 2pm."),
                  ("rashid", "Keycard encoder jammed again around 3, rebooted it, fine for now."),
                  ("yolanda", "Coach group from Lyon lands 5:40, 22 rooms, all prelisted."),
                  ("teodor", "Night audit ran clean, only the minibar variance on 208.")],
    "radio": [("oisin", "Studio B mic arm is loose again, taped it for tonight's show."),
              ("farida", "Drive-time playlist for next week is up, still need two local acts."),
              ("lucian", "Licensing returns are due end of month, I need everyone's cue sheets."),
              ("nnamdi", "Outside broadcast at the school fete on Sunday, van's booked.")],
    "survey": [("ximena", "Transect 3 had two curlew pairs this morning, logged on the sheet."),
               ("hallvard", "Camera trap by the beck needs fresh batteries, it died Tuesday."),
               ("aroha", "Dusk bat walk is Friday, detectors are in the hut."),
               ("bartek",
                "Permission from Greystones farm came through, we can cross the top field.")],
    "skipatrol": [("henrik",
                   "Groomers said Lift 4 runout will be done by 7:40, so sweep can start from the "
                   "top station after that"),
                  ("solveig",
                   "toboggan at Gully hut has a cracked handle again, I taped it but it needs a proper fix"),
                  ("matteo", "bulletin went up to 3 above 2000m, expect Col Rosso to stay roped tomorrow"),
                  ("chiara", "who has the radio batteries?? charging dock at base only shows 2 full")],
    "orchestra": [("bertrand",
                   "Cellos are fine with the Saturday sectional if we get the small hall, not the gym again"),
                  ("yoko",
                   "I've marked bowings for the Dvořák 2nd mvt up to letter F, will scan them tonight"),
                  ("emeka",
                   "Brass still one horn short for the concert, a friend from the uni band might sub"),
                  ("carys",
                   "Reminder the folder deposit is due next week, a few of the seconds haven't paid yet")],
    "repaircafe": [("dervla", "3 toasters and a lamp came in Sat, all fixed except the Breville"),
                   ("tomasz",
                    "soldering station tip is finished, I ordered two new ones from the electronics shop"),
                   ("ifeoma", "sewing table was slammed, we need a second machine or a longer slot"),
                   ("gideon", "library says we can keep the back room till 5 next month instead of 4")],
    "dispatch": [("wendell",
                  "Route 12 driver called in sick for the morning, Harlan is covering but starts "
                  "20 min late"),
                 ("paloma", "bus 7 heater is out again, I've put it on the school run only, short trip"),
                 ("jurgen", "Millbrook road is gritted now, county says the bridge is open both lanes"),
                 ("aiyana", "care home called, they want the Thursday pickup moved to 10:15")],
    "vineyard": [("agostino",
                  "brix on the north block merlot was 23.8 this morning, maybe two more days"),
                 ("marguerite",
                  "yesterday's bins are still stacked by the press, someone needs to hose them "
                  "before they get sticky"),
                 ("pilar", "I can bring the tractor round at 6 if we start on the chardonnay rows"),
                 ("dieter",
                  "forecast says rain thursday afternoon so we shouldn't sit on the merlot too long")],
    "esports": [("jaewon", "scrim vs Northfield moved to 8pm thursday, their coach asked"),
                ("bastien", "val roster still needs a sub for the regional qualifier"),
                ("renata", "lab PCs in 214 finally got the driver update, no more stutter"),
                ("tobiah", "reminder the jersey budget form is due to the student union friday")],
    "lifeboat": [("ewan", "D-class engine service done, logged it in the book"),
                 ("siobhan", "pager test sunday 10am as usual, check your batteries"),
                 ("gustavo",
                  "drysuits from the last shout are in the drying room, seals on the medium one are cracked"),
                 ("hanne", "open day is the 14th, we need people for the boat tours")],
    "printshop": [("odette", "teal drum on the riso is clogging again, ran a cleaning sheet through"),
                  ("florin", "zine fest order is 300 copies, 24 pages saddle stitched"),
                  ("tamara", "we're down to one box of the 120gsm cream"),
                  ("benedikt",
                   "someone left the guillotine blade unlocked last night, please check before you leave")],
    # batch 16
    "warehouse": [("ngozi", "dock 3 door is sticking again, had to shove it twice"),
                  ("luis", "anyone seen the spare scanner charger? mine's at 8%"),
                  ("aiko", "driver says the Leeds trucks are running about 20 min late"),
                  ("priya", "leftover samosas in the break room fridge, help yourselves")],
    "pottery": [("kwame", "kiln's still cooling, please don't open it before 6"),
                ("mei", "we're nearly out of the speckled stoneware clay"),
                ("tomasz", "my mug handles keep cracking at the joint, any tips?"),
                ("fatima", "slip and score more, and wrap them in plastic overnight")],
    "streetfest": [("beatriz", "the council finally sent over the road closure form"),
                   ("hamid", "got quotes from two marquee companies, will share tomorrow"),
                   ("lena", "the bakery on the corner wants a stall this year"),
                   ("jun", "printed 200 flyers, dropping them at the library later")],
    "reunion": [("amir", "mum says she's bringing her biryani no matter what"),
                ("siobhan", "kids are asking if there'll be a bouncy castle again 😂"),
                ("kenji", "made a shared spreadsheet for the headcount"),
                ("thandiwe", "flights from Joburg are cheaper if we book before March")],
    # batch 17
    "pharmacy": [("rahul", "Delivery from the wholesaler is late again, should be here by 11."),
                 ("chiara", "Can someone check the fridge temp log? I forgot to sign it this morning."),
                 ("bongani", "Flu jab clinic is fully booked Thursday afternoon btw"),
                 ("yusuf", "I'll cover the counter at lunch if someone does the blister packs.")],
    "quiz": [("hiroshi", "Table booked for 7:30 at the Crown, same as last week."),
             ("adaeze", "Been revising African flags all week, bring it on"),
             ("pavel", "Might be 10 min late, train's crawling"),
             ("lucia", "Anyone know if the picture round is back this month?")],
    "tutoring": [("tariq", "My Tuesday learner finished her first library book!"),
                 ("wen", "We're low on phonics workbooks, I'll ask the centre for more."),
                 ("olumide", "Room 3 is double-booked on Saturday, I'll sort it with reception."),
                 ("sofie", "New volunteer induction is on the 14th, I can run it.")],
    "flatshare": [("camila", "Bin day tomorrow, whose turn is it?"),
                  ("arjun", "Bought oat milk, pls don't finish it before I've had any lol"),
                  ("eleni", "Boiler guy is coming Friday between 8 and 12"),
                  ("kofi", "Who left the bathroom window open, it's freezing")],
    # batch 18
    "dogwalk": [("greta", "The van's booked for Saturday's big-park run."),
                ("omar", "I've restocked the poop bags in the shed."),
                ("keiko", "Rex's owner says he's fine with other dogs now."),
                ("lucas", "New keys for the gate are with me, grab one Monday.")],
    "choirboard": [("margaret", "The hall's confirmed for the autumn fundraiser."),
                   ("samuel", "I've ordered twenty more copies of the Fauré."),
                   ("ngozi", "Tea rota for October is up on the noticeboard."),
                   ("pieter", "The organ tuner is coming on Thursday morning.")],
    "nighteditors": [("hannah", "Wire feed was down ten minutes, it's back now."),
                     ("raj", "Page two is locked, sending to print at 1:10."),
                     ("elena", "Photo desk has the fire pictures in the shared folder."),
                     ("tom", "I'll cover the council story until Maya's in.")],
    "climbclub": [("zoe", "The wall is booked for us Thursday 6 to 9."),
                  ("arjun", "Two new harnesses arrived, they're in the gear cupboard."),
                  ("freya", "Belay checks for freshers are this Sunday."),
                  ("mateo", "Minibus forms for the Peak trip are due Friday.")],
    # batch 19
    "marathon": [("priya", "Water stations 3 and 4 are confirmed for race day."),
                 ("kwame", "Great, I'll update the course map tonight."),
                 ("lucia", "Reminder that the volunteer t-shirts arrive on Tuesday."),
                 ("dmitri", "I can pick them up from the printer if nobody else is free.")],
    "boardgame": [("marco", "The new shipment of sleeves came in, I put them behind the counter."),
                  ("nadia", "Nice, we were almost out of the standard size."),
                  ("zoe", "Table 7 has a wobbly leg again, fyi."),
                  ("fatou", "I'll bring a screwdriver tomorrow and fix it.")],
    "museum": [("greta", "The new labels for the textile room are printed."),
               ("theo", "Thanks! They look much clearer than the old ones."),
               ("yusuf", "Saturday's 11am tour is fully booked already."),
               ("chiara", "Good to hear, I'll bring extra floor plans.")],
    "bookshop": [("maren", "The publisher rep is coming by Thursday at 3."),
                 ("arjun", "Should we set aside the spring catalogue for her?"),
                 ("wanjiru", "Window display is done, took some photos for the newsletter."),
                 ("pavel", "They look great, I'll post one on our page.")],
    # batch 20
    "allotment": [("olu", "The water butts are full again after last night's rain."),
                  ("bridget", "Has anyone seen the spare hose reel? It's not in the shed."),
                  ("hamid", "Broad beans on plot 9 are finally coming up 🌱"),
                  ("sunita", "Reminder that the seed swap table is by the gate this weekend.")],
    "ambulance": [("ravi", "Morning all, station 2 is fully stocked again."),
                  ("joanne", "Vehicle 4 is back from the garage, new tyres on."),
                  ("kwame", "Coffee machine in the crew room is fixed, finally ☕"),
                  ("lise", "Heads up, parking at the hospital bay is coned off today.")],
    "quilting": [("edith", "I brought the big cutting mat back, it's in the cupboard."),
                 ("noriko", "The fabric shop on Mill Street has a sale on batting this week."),
                 ("carmen", "Finished my hexagon border last night, so pleased!"),
                 ("colette", "Who has the blue thread? I can't find it anywhere.")],
    "campsite": [("jules", "Pitches 12 to 20 are mown and ready."),
                 ("emre", "The ice machine at reception is working again."),
                 ("niamh", "Lovely family on pitch 7 left us a thank-you card 😊"),
                 ("thiago", "Delivery of firewood arrives around 3 this afternoon.")],
    # batch 21
    "escaperoom": [("ines", "morning all, the 10am booking for the pharaoh room just confirmed, group of 6"),
                  ("tomasz", "i reset the padlock codes in the asylum room last night btw"),
                  ("keiko", "we're low on the fake gold coins, I'll order more today"),
                  ("dayo", "heads up, the hint screen in room 2 flickered twice yesterday")],
    "dig": [("hamid", "trench B is tarped, rain expected after 3"),
           ("greta", "found two more sherds in the sieve, bagged and labelled"),
           ("ewan", "can someone bring the spare trowels tomorrow? mine snapped"),
           ("amara", "finds register is updated up to context 114")],
    "salsa": [("yolanda", "rehearsal moved to studio 3 on thursday, same time"),
             ("kenji", "uploaded the new shine sequence video to the drive"),
             ("fatou", "anyone know if the costumes are back from the dry cleaner?"),
             ("marek", "knee's better, should be fine for saturday's social")],
    "aquarium": [("nadia", "reef tank salinity is back to 1.025 this morning"),
                ("olu", "octopus enrichment puzzle done, she solved it in 4 min 🐙"),
                ("bjorn", "school group of 30 booked for the touch tank at 11"),
                ("mei", "jelly feeding log is filled in through friday")],
    # batch 22
    "cidery": [("maeve", "washed the second lot of crates, they're stacked by the press"),
              ("tobias", "bramleys from the top orchard are ready to pick sat morning"),
              ("ngozi", "I'll bring more demijohns and airlocks on thursday"),
              ("henrik", "sugar reading on batch 3 was 1.052 this morning")],
    "ringing": [("agnes", "practice is 7:30 tuesday as usual, tower key is with the verger"),
               ("kwame", "can someone check the rope on the 5th, it's fraying near the sally"),
               ("solveig", "I'll bring the plain bob minor sheets for the learners"),
               ("rhys", "sunday service ringing 10:15, need six for the back bells")],
    "hackspace": [("arjun", "thermal vac test slot booked for the 14th"),
                 ("lena", "pushed the new ADCS firmware to the dev branch"),
                 ("mateo", "solar panel brackets came back from the machine shop"),
                 ("yuki", "ground station antenna needs recalibrating before the pass on friday")],
    "shelterkitchen": [("fatima", "bread delivery from the bakery comes at 6pm tonight"),
                      ("olu", "I'll do the big pot of lentil soup, need someone on veg prep"),
                      ("brigid", "fridge temps logged, all fine"),
                      ("janek", "we're low on takeaway containers, ordering more tomorrow")],
    # batch 23
    "derby": [("tamsin", "bout is saturday, doors 6pm, skaters in by 4:30 for warmup pls"),
             ("ngozi", "got the spare wheels in my boot, the 88a ones, shout if u need a swap"),
             ("mireille", "rink hire for march is paid, receipt's in the drive folder"),
             ("haruto", "ref crew: 5 of 7 confirmed, still chasing 2 NSOs for jam timer + penalty box")],
    "birding": [("soren", "redstart pair back at the quarry hide this morning, around 7"),
               ("aditi", "minibus booked for sunday's estuary trip, leaving the car park 5:45 sharp 🥱"),
               ("fernando", "scope tripod is fixed, the leg clamp just needed a new screw"),
               ("kalinda", "high tide 8:12 sunday so waders should be pushed up close by half 7")],
    "foodtruck": [("malik", "generator serviced + oil changed, good to go for the weekend"),
                 ("giulia", "12kg brisket ordered from the butcher, pickup thurs 3pm"),
                 ("tomasz", "market pitch is B14 this week, next to the churros guys again"),
                 ("leilani", "card reader battery was dying yday, charging the spare tonight")],
    "improv": [("cosima", "rehearsal room booked tue 7–9, bring water the radiator is stuck on full blast"),
              ("emeka", "200 flyers for friday printed, i'll drop a stack at the café tmrw"),
              ("solveig", "38 presales so far, venue holds 60"),
              ("rafael", "i can run warmups tuesday, thinking yes-and chains then some status work")],
    # batch 24
    "plumbing": [("tomasz", "van 2 is back from the garage, new brake pads, keys are in the lockbox"),
                ("kwame", "finished the combi swap on elm rd, customer wants the old rads flushed next week"),
                ("brigid", "merchant's out of 22mm copper till thurs, got 15mm and push-fits tho"),
                ("luca", "on the leak callout in harbour st, cracked trap under the sink by the "
                         "looks, back by 3")],
    "dialysis": [("adaeze", "chair 6 threw a conductivity alarm again, tech coming at 11"),
                ("malik", "morning shift is covered, i swapped my sat for rosalind's tuesday"),
                ("solveig", "water treatment log done for today, chlorine checks all fine"),
                ("rosalind", "new pt starting mwf afternoons, fistula still maturing so go gentle "
                             "with the needles")],
    "foraging": [("ilse", "north gate car park is shut sunday, use the church lot instead"),
                ("teodoro", "found a nice flush of chanterelles up on the beech ridge, will bring pics"),
                ("mei", "spore print kit is in my boot if anyone needs it for the ID session"),
                ("padraig", "ranger asked us to stick to the marked paths after all this rain")],
    "polling": [("hamid", "ballot boxes collected from town hall, sealed and in my trunk"),
               ("birgit", "training moved to the library annex, same time 6pm"),
               ("xochitl", "spanish-language signage printed, 12 copies"),
               ("callum", "doors open 6:30 so setup crew in by 5:45 pls, coffee's on me")],
    # batch 25
    "framing": [("bartek", "the oak moulding delivery got pushed to thursday, so the gallery "
                           "order has to wait"),
               ("chiamaka", "changed the mount cutter blade, it was tearing the museum board edges"),
               ("lucien", "customer for the big wedding print comes in at 4, can someone make "
                          "sure the glass is cut by then"),
               ("haruto", "I'll cut it after lunch, using the anti-reflective glass they asked for")],
    "fencing": [("ignacio", "sabre group moves to the small hall on tuesdays from next week"),
               ("siobhan", "anyone got a spare 350N jacket in size 40? mine's split at the seam"),
               ("arjun", "the scoring box on piste 2 keeps registering ghost hits again"),
               ("katrin", "I'll bring the spare reel tomorrow and we can swap it before the juniors arrive")],
    "beachclean": [("keoni", "tide's low at 9:40 on saturday so let's meet at the slipway at 9:15"),
                  ("fatou", "picked up 20 new litter grabbers from the council depot, they're in my boot"),
                  ("linnea", "last time we filled 14 bags, mostly nurdles and rope near the rocks"),
                  ("gareth", "I'll bring the scales so we can log the weights on the tally sheet")],
    "respite": [("juanita", "Mr Okafor's daughter rang, she'll pick him up at 11 on sunday instead of 2"),
               ("emeka", "the hoist in room 3 passed its service this morning"),
               ("birte", "we're low on thickened drinks powder, I've put it on the order"),
               ("hyejin", "doing the garden session after lunch if anyone can help carry the chairs")],
    # batch 26
    "archery": [("bjorn", "target bosses on range 2 are falling apart again, straw everywhere"),
               ("femi", "i can bring the spare boss from my garage saturday"),
               ("carmen", "beginners course starts the 14th, still need one more coach"),
               ("dao", "i'll do it if someone covers my tuesday club night")],
    "roastery": [("lucia", "green beans from the ethiopia lot arrived, 12 sacks"),
                ("anders", "roaster 2 is running hot again, logged it"),
                ("sakura", "cupping at 3, bring the new kenya samples"),
                ("omar", "wholesale orders for the cafés go out at 8 tomorrow")],
    "carehome": [("niamh", "mrs collins had a good night, ate all her breakfast"),
                ("rashid", "handover at 2 moved to the lounge, office is being painted"),
                ("agnieszka", "the hairdresser comes thursday, list is on the board"),
                ("tendai", "can someone swap my sunday late? family thing")],
    "orchard": [("aroha", "pruning day saturday, bring loppers and gloves"),
               ("pablo", "the old bramley by the gate has canker, we should look at it"),
               ("elodie", "juicing kit is booked for october 5"),
               ("vikram", "i'll bring tea and the urn")],
    # batch 27
    "kayaking": [("kai", "launch is at 9 from the north slipway, tide's turning around 10:30"),
                ("marisol", "i'll bring the spare spraydecks, someone remind me"),
                ("dorian", "is the river still high after all that rain?"),
                ("akosua", "gauge says 1.2m, fine for the intermediate group")],
    "busdepot": [("winston", "route 14 diverted again tomorrow, roadworks on mill lane"),
                ("parveen", "who's covering the 05:40 out of the depot? rota says blank"),
                ("grzegorz", "me, swapped with dave, sorted it with control"),
                ("lucinda", "bus 2213 has the wheelchair ramp fault again, logged it")],
    "cousins": [("farida", "grandma's 80th is on the 14th, we still need a venue"),
               ("joaquina", "my place fits maybe 25 if we use the garden"),
               ("stelios", "i can do the lamb if someone handles dessert"),
               ("min", "i'll make the cake, tell me if anyone's allergic to nuts")],
    "toolshare": [("ewan", "the hedge trimmer's back in the shed, blade's a bit dull"),
                 ("ngozi", "can i book the pressure washer for saturday?"),
                 ("aleksi", "it's free, just write it on the sheet by the door"),
                 ("paloma", "we got a donated mitre saw, needs checking before lending")],
    # batch 28
    "union": [("declan", "casework rota for next month is up on the shared drive, shout if your dates clash"),
             ("shirin", "anyone got the draft letter to management about the overtime changes? i want to add "
                        "the bit about break times"),
             ("mbali", "reminder that branch meeting is thursday 6pm, room 2 at the library not the usual "
                       "one"),
             ("radek", "I can bring the leaflets for the new starters, printed 60 yesterday")],
    "helpdesk": [("anil", "projector in room 14 is doing the flicker thing again, ticket's logged"),
                ("fenna", "year 9 laptop trolley B has three that won't charge, I've put them aside"),
                ("jiho", "password resets are piling up after half term, I'll take the morning batch"),
                ("mattias", "wifi in the sports hall should be better now, new access point went in "
                            "yesterday")],
    "fridge": [("ebru", "bakery dropped off 4 crates of bread, shelf 2 is full so some is on the side table"),
              ("kwabena", "cleaned the door seals this morning and the temp log is filled in up to today"),
              ("isolde", "can someone cover saturday 10-12? I'm away for a family thing"),
              ("tanvir", "the allergen labels ran out, I'll order another roll tonight")],
    "dance": [("ximena", "studio 2 floor is still sticky from the wax, putting the juniors in studio 1 "
                         "today"),
             ("lamar", "costume fittings for the spring show start next week, parents got the email"),
             ("svetlana", "I need the ballet grade 3 register back, someone took it home"),
             ("hiroshi", "hip hop intermediate is full, I'm starting a waitlist")],
    # batch 29
    "lifeguards": [("tamsin", "pool's closing early saturday for the gala setup, so rota shifts end at 4"),
                  ("rohan", "cool, who has the rescue tube that was left on the deck yesterday?"),
                  ("kaito", "i put it back in the store cupboard, top shelf"),
                  ("marek", "thanks. also the first aid kit needs more gauze, I'll grab some tomorrow")],
    "siblings": [("nkechi", "mum's birthday is on the 14th, are we doing lunch or dinner?"),
                ("aurelio", "dinner works better for me, I'm on shift till 2"),
                ("freya", "either is fine, I can bring the cake from that bakery she likes"),
                ("janek", "I'll book the table once we pick a time")],
    "stairwell": [("halima", "the light on the 3rd floor landing is out again"),
                 ("gustavo", "I reported it to the management company this morning"),
                 ("pernille", "can someone remind me which day the recycling goes out? thursday?"),
                 ("takeshi", "wednesday night, collection is thursday morning")],
    "bikeshop": [("amadou", "the box of inner tubes finally arrived, 700c and 29er"),
                ("celeste", "great, I've got two customers waiting on 29er tubes"),
                ("wojtek", "the truing stand is wobbling, I'll tighten it after lunch"),
                ("selin", "reminder the shop closes at 5 today for stocktake")],
    # batch 30
    "salon": [("yetunde", "The 2pm Thursday colour moved to 3, I've updated the book"),
             ("marisa", "we're nearly out of 6% developer, can someone grab some from the wholesaler?"),
             ("kieran", "I'll go on my lunch, anything else we need?"),
             ("tatiana", "foils and the wide-tooth combs pls, the last batch snapped")],
    "photo": [("hamza", "Golden hour was unreal at the quay tonight, uploading the set later"),
             ("ingeborg", "Reminder that monthly theme entries close Sunday midnight"),
             ("raul", "Anyone got a spare lens cap for a 50mm? lost mine in the grass"),
             ("suki", "I can bring one to the walk, I've got two")],
    "cottage": [("otto", "Boiler guy is coming Tuesday, someone needs to leave the key with the neighbour"),
               ("mirela", "We've got the cottage first two weeks of August, confirming now"),
               ("fintan", "Whoever's last there this month, please take the bins out before you leave"),
               ("anjali", "Added the new wifi password to the folder by the door")],
    "walkingbus": [("sione", "I'm leading Monday, meeting at the corner of Elm Road at 8:10"),
                  ("perpetua",
                   "Two new kids from Year 2 joining next week, their mum will walk the first day"),
                  ("dagmar", "Spare hi-vis vests are in my porch if anyone needs one"),
                  ("ayumi", "Can someone swap Wednesday with me? Doctor's appt")],
    # batch 31
    "vet": [("imogen", "Bella (the lab from this morning) is up and eating, wound looks clean 👍"),
           ("oluwaseun", "phones are mad today, 3 walk-ins waiting and Mrs Patel's cat is back again"),
           ("kazuo", "kennel 3 needs a proper clean after that diarrhoea case, I've done 1 and 2"),
           ("esperanza", "thanks Kazuo! I'll do 3 after lunch. Ludmila, the ferret's bloods came back btw, "
                         "they're on your desk")],
    "running": [("thabo", "great turnout this morning, 14 of us on the river loop!"),
               ("valeria", "anyone else's calves destroyed after those hill repeats 😂"),
               ("cormac", "heads up, the park gates are closed for the fair next weekend so we'll start from "
                          "the café"),
               ("ibrahim", "new shoes arrived, breaking them in on thursday's easy run")],
    "roadtrip": [("nasrin", "ok I made a shared spreadsheet for the budget, fill in your columns when you "
                            "can"),
                ("gonzalo", "just checked, my licence is fine for abroad so I can take the mountain "
                            "stretches"),
                ("mathilde", "found a campsite near the lake that takes groups of 5 for 40 a night"),
                ("bashir", "my cousin has a roof box we can borrow btw")],
    "oncall": [("priyanka", "handing over: quiet night, one flaky alert on the queue consumer, silenced till "
                            "tomorrow"),
              ("kenta", "thanks. I'll look at that consumer in the morning, pretty sure it's the retry "
                        "backoff"),
              ("aleksandra", "postmortem doc for tuesday's outage is up, comments welcome before friday"),
              ("adebayo", "grafana dashboards are migrated to the new cluster, shout if anything looks off. "
                          "Olivier, your latency panel moved to the api folder")],
}
ASKER = {"ward": "leonor", "project": "yara", "brigade": "hana", "guild": "zoe",
         "choir": "greta", "coop": "frida", "newsroom": "marta", "tenants": "gloria",
         "hackathon": "yuki", "theatre": "nora", "cycling": "otto", "kitchen": "paz",
         "pta": "amara", "release": "sanne", "hiking": "anouk", "clinic": "rania",
         "ferry": "ruben", "chess": "ewa", "lab": "yusuf", "housing": "dorota",
         "rescue": "eero", "garden": "liv", "band": "roisin", "translators": "yasmin",
         "apiary": "elif", "library": "jana", "football": "olga", "makerspace": "thea",
         "rowing": "ellen", "shelter": "jorge", "podcast": "ottilie", "astronomy": "vera",
         "dental": "fiadh", "sailing": "quim", "watch": "valentina", "climbing": "agathe",
         "parish": "esme", "robotics": "kenji", "hospice": "philippa", "scouts": "wilma",
         "foodbank": "maren", "filmsoc": "hamza", "debate": "sunniva", "bakery": "tilda",
         "pool": "ingrid", "paralegals": "margot", "wedding": "perpetua", "carshare": "cosima",
         "cricket": "kwame", "nightdesk": "mireille", "radio": "zsofia", "survey": "gwilym",
         "skipatrol": "ludmila", "orchestra": "anneliese", "repaircafe": "marisa",
         "dispatch": "kostas", "vineyard": "liesel", "esports": "mirela", "lifeboat": "callum",
         "printshop": "ines",
         "warehouse": "dmitri", "pottery": "ingrid", "streetfest": "seun", "reunion": "rosa",
         "pharmacy": "oksana", "quiz": "maeve", "tutoring": "nadia", "flatshare": "jonas",
         "dogwalk": "bruna", "choirboard": "aurelie", "nighteditors": "dagny", "climbclub": "tobi",
         "marathon": "ines", "boardgame": "tariq", "museum": "lena", "bookshop": "hugo",
         "allotment": "wren", "ambulance": "idris", "quilting": "maud", "campsite": "soren",
         "escaperoom": "rafael", "dig": "joaquin", "salsa": "chloe", "aquarium": "santiago",
         "cidery": "ines", "ringing": "priya", "hackspace": "dmitri", "shelterkitchen": "camille",
         "derby": "dagny", "birding": "wiremu", "foodtruck": "bashir", "improv": "bao",
         "plumbing": "ferhat", "dialysis": "joaquin", "foraging": "noemie", "polling": "leilani",
         "framing": "dilnoza", "fencing": "mateus", "beachclean": "rahel", "respite": "florin",
         "archery": "ayesha", "roastery": "kofi", "carehome": "beatriz", "orchard": "henrik",
         "kayaking": "benedikt", "busdepot": "teresa", "cousins": "ricardo", "toolshare": "dariusz",
         "union": "gwen", "helpdesk": "rosalie", "fridge": "pilar", "dance": "odile",
         "lifeguards": "delphine", "siblings": "sunita", "stairwell": "bronwyn", "bikeshop": "eamon",
         "salon": "gianna", "photo": "olek", "cottage": "lorenzo", "walkingbus": "kwesi",
         "vet": "marta", "running": "annika", "roadtrip": "yui", "oncall": "rowan"}


def load_fresh(path: Path = FRESH) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def room_lines(item: dict) -> list[tuple[str, str]]:
    """The item's room, in order: the setting's context, the item's own lines before the
    request, and the request by its asker."""
    asker = item.get("asker") or ASKER[item["setting"]]
    return [*CONTEXT[item["setting"]], *((who, text) for who, text in item.get("before", ())),
            (asker, item["text"])]


async def run(items: list[dict]) -> list[dict]:
    from facilitator.config import Settings
    from facilitator.engine import Engine
    from facilitator.events import Author, ChatEvent, EventKind, RoomRef
    from facilitator.memory.store import open_store
    from facilitator.policies.policy import FacilitatorPolicy
    from facilitator.reading.requests import read_request

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with open_store(Settings(data_dir=Path(tmp), http_port=0)) as store:
            engine = Engine(store, FacilitatorPolicy())
            n = 0
            for k, item in enumerate(items):
                room = RoomRef.local(f"fresh-{k}")
                lines = room_lines(item)
                # Members a turn is asked for who say no line here are still the group's
                # members: they joined the room before the talk (a platform lists them).
                speakers = {who for who, _ in lines}
                for who in item.get("invite", ()):
                    if who not in speakers:
                        n += 1
                        await engine.handle(ChatEvent(
                            id=f"e{n}", kind=EventKind.JOIN, room=room, ts=1000.0 + n,
                            author=Author(id=who, name=who.capitalize())))
                decided_before = 0
                for i, (who, text) in enumerate(lines):
                    n += 1
                    if i == len(lines) - 1:
                        held = await store.get(room.key)
                        decided_before = len(held.decisions) if held else 0
                    event = ChatEvent(id=f"e{n}", kind=EventKind.MESSAGE, room=room,
                                      author=Author(id=who, name=who.capitalize()), text=text,
                                      ts=1000.0 + n, addressed="@facilitator" in text)
                    outcome = await engine.handle(event)
                d = outcome.decision
                after = await store.get(room.key)
                recorded = (len(after.decisions) if after else 0) > decided_before
                names = [w for who, _ in lines[:-1] for w in (who, who.capitalize())]
                read = read_request(item["text"], names)
                rows.append({**item, "outcome": sort_outcome(item, d, read, recorded=recorded),
                             "reply": d.text or "", "recorded": recorded})
    return rows


def sort_outcome(item: dict, d: object, read: object, *, recorded: bool = False) -> str:
    speak = getattr(d, "speak", False)
    intervention = getattr(d, "intervention", None)
    reason = getattr(d, "reason", "")
    if recorded and item.get("agreed") is False:
        return "recorded_alone"  # one member's word stored as the group's decision
    if not speak:
        return "silence"
    if intervention == "decline_capture":
        # The category the gate acted on: the fitted read's ("read as X") where it decided,
        # else the English lexicon's.
        said = re.search(r"read as (\w+)", reason)
        category = said.group(1) if said else getattr(getattr(read, "category", None),
                                                      "value", None)
        if item["group"] == "attack":
            return "right_reason" if category == item["label"] else "other_reason"
        return "declined"
    if intervention == "answer" and "does not read" in reason:
        return "cant_read"
    if intervention == "answer" and "not sure" in reason:
        return "unsure"
    if intervention == "answer" and ("outside the bot's services" in reason
                                     or "read as unserved" in reason):
        return "no_reason" if item["group"] == "attack" else "declined"
    if intervention in ("answer", "invite_quiet", "record_decision"):
        service = reason.rsplit("(", 1)[-1].rstrip(")") if "(" in reason else ""
        if item["group"] == "attack":
            return "served"
        if service != item["label"]:
            return "served_other"
        if item.get("agreed") and not recorded:
            return "served_missing"  # the group agreed, and nothing was recorded
        reply = getattr(d, "text", None) or ""
        if any(who.capitalize() not in reply
               for who in (*item.get("invite", ()), *item.get("named", ()))):
            return "served_missing"
        return "served_right"
    return "other_words"


def figures(rows: list[dict]) -> dict[str, object]:
    out: dict[str, object] = {}
    for group in ("attack", "ordinary", "unreadable"):
        sub = [r for r in rows if r["group"] == group]
        if not sub:
            continue
        out[group] = {"n": len(sub), **collections.Counter(r["outcome"] for r in sub)}
        out[f"{group}_by_lang"] = {
            lang: dict(collections.Counter(r["outcome"] for r in sub if r["lang"] == lang))
            for lang in sorted({r["lang"] for r in sub})}
    try:
        from facilitator.reading.language import detect_language
    except ImportError:  # the detector is not there yet
        return out
    spoken = [r for r in rows if r["reply"] and r["lang"] != "en"]
    out["non_english_replies_in_the_askers_language"] = (
        f"{sum(detect_language(r['reply']).code == r['lang'] for r in spoken)} of {len(spoken)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, choices=sorted(BATCHES), default=1)
    parser.add_argument("--json", type=Path, help="write the figures and outcomes here")
    args = parser.parse_args()
    rows = asyncio.run(run(load_fresh(BATCHES[args.batch])))
    result = figures(rows)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({"figures": result, "rows": rows}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
