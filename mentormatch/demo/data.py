"""The demo population's word lists: names, medical schools, NHS organisations, roles and interests.

Places are real UK medical schools and NHS bodies, each with the region it belongs to, so a
generated person's organisation and region always agree. Lists are tuples (never sets) so that
a seeded Random walks them in the same order on every run.
"""

from __future__ import annotations

# The tables read best packed: the formatter would put every name on its own line.
# fmt: off
# --- names, by heritage: (weight, first names, surnames) ---------------------------------------
NAME_GROUPS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "english": (40, (
        "Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "James", "William", "Alfie", "Joshua",
        "Daniel", "Samuel", "Joseph", "Ben", "Matthew", "Luke", "Ethan", "Ryan", "Olivia", "Amelia", "Ava",
        "Emily", "Sophie", "Grace", "Lily", "Ella", "Hannah", "Charlotte", "Lucy", "Megan", "Holly",
        "Eleanor", "Rebecca", "Zoë", "Chloë", "Phoebe", "Harriet", "Rosie", "Imogen", "Jess", "Tom",
    ), (
        "Smith", "Jones", "Taylor", "Brown", "Wilson", "Johnson", "Robinson", "Wright", "Thompson",
        "Walker", "White", "Green", "Hall", "Wood", "Jackson", "Clarke", "Turner", "Harrison", "Cooper",
        "Ward", "Morris", "Bennett", "Shaw", "Holmes", "Fletcher", "Barker", "Atkinson", "Hargreaves",
        "Pickering", "Sutcliffe", "Whitworth", "Ashworth", "Baxter", "Pemberton", "Hughes-Jones",
    )),
    "irish": (6, (
        "Siobhán", "Aoife", "Niamh", "Saoirse", "Caoimhe", "Orla", "Róisín", "Clodagh", "Sinéad",
        "Seán", "Ciarán", "Eoin", "Darragh", "Oisín", "Pádraig", "Cathal", "Declan", "Fionn",
    ), (
        "Ó Briain", "Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "O'Connor", "Doherty",
        "McLaughlin", "Gallagher", "Quinn", "Ó Súilleabháin", "Fitzgerald", "Nolan", "Kavanagh", "Mac Giolla",
    )),
    "scottish": (5, (
        "Mòrag", "Eilidh", "Ishbel", "Catriona", "Kirsty", "Fiona", "Ailsa", "Hamish", "Ruaridh",
        "Callum", "Euan", "Fraser", "Angus", "Lachlan", "Struan", "Iain",
    ), (
        "MacDonald", "Campbell", "Stewart", "Robertson", "Fraser", "MacLeod", "Mackenzie", "Ross",
        "Sinclair", "Mackay", "Murray", "Cameron", "Drummond", "Buchanan",
    )),
    "welsh": (4, (
        "Siân", "Ffion", "Cerys", "Carys", "Elin", "Angharad", "Nia", "Rhiannon", "Gwen", "Rhodri",
        "Dafydd", "Gethin", "Iwan", "Owain", "Rhys", "Gareth", "Emyr",
    ), (
        "Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Lewis", "Morgan", "Griffiths",
        "Pritchard", "Llewellyn", "Price", "Powell", "Vaughan", "Parry",
    )),
    "south_asian": (18, (
        "Priya", "Aisha", "Ananya", "Kavya", "Simran", "Harpreet", "Nisha", "Fatima", "Ayesha", "Zainab",
        "Sana", "Mehreen", "Anjali", "Deepa", "Arjun", "Rohan", "Aarav", "Vikram", "Rahul", "Imran",
        "Bilal", "Hamza", "Omar", "Zain", "Kiran", "Sanjay", "Gurpreet", "Jaspreet", "Nikhil", "Ravi",
    ), (
        "Patel", "Shah", "Khan", "Hussain", "Ahmed", "Ali", "Begum", "Singh", "Kaur", "Sharma", "Gupta",
        "Iyer", "Chaudhry", "Rahman", "Islam", "Malik", "Mistry", "Desai", "Joshi", "Menon", "Nair",
        "Chowdhury", "Siddiqui", "Bhatt", "Sandhu", "Gill", "Dhillon",
    )),
    "east_asian": (7, (
        "Mei", "Jia", "Xin", "Wen", "Hoa", "Linh", "Thảo", "Minh", "Huy", "Quang", "Hiếu", "Jun", "Hao",
        "Wei", "Kenji", "Yuki", "Ji-woo", "Min-jun", "Hana", "Maricel", "Jerome", "Rhea",
    ), (
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Chen", "Wang", "Li", "Zhang", "Liu", "Wong", "Chan",
        "Lam", "Cheung", "Tan", "Lim", "Ng", "Kim", "Park", "Tanaka", "Santos", "Reyes", "dela Cruz",
    )),
    "african_caribbean": (9, (
        "Adaeze", "Chiamaka", "Ngozi", "Folake", "Temitope", "Oluwaseun", "Funmilayo", "Amara", "Abena",
        "Akosua", "Kwame", "Kofi", "Chinedu", "Emeka", "Tunde", "Femi", "Tobi", "Kelechi", "Jermaine",
        "Marcus", "Shanice", "Kezia", "Tanisha", "Hodan", "Abdirahman",
    ), (
        "Okafor", "Adeyemi", "Okonkwo", "Adebayo", "Mensah", "Owusu", "Boateng", "Asante", "Nwosu",
        "Eze", "Obi", "Afolabi", "Ogunleye", "Balogun", "Campbell", "Francis", "Grant", "Henry",
        "Mohamed", "Abdi", "Warsame",
    )),
    "middle_eastern": (5, (
        "Layla", "Yasmin", "Noor", "Mariam", "Leila", "Dalia", "Rania", "Sara", "Ahmad", "Karim",
        "Tariq", "Yusuf", "Hassan", "Elif", "Zeynep", "Emre", "Mehmet", "Ayşe",
    ), (
        "Haddad", "Khalil", "Nasser", "Saleh", "Aziz", "Farouk", "Hamdan", "Rahimi", "Karimi",
        "Hosseini", "Çelik", "Şahin", "Yılmaz", "Demir", "Öztürk", "Aydın",
    )),
    "european": (6, (
        "Łukasz", "Małgorzata", "Agnieszka", "Katarzyna", "Piotr", "Tomasz", "Zofia", "Marco", "Giulia",
        "Francesca", "Luca", "Eleni", "Dimitris", "Ioana", "Andrei", "João", "Inês", "Tiago", "Lucía",
        "Javier", "Álvaro", "Renée", "Léa", "Mathieu", "Lena", "Björn", "Freya", "Søren",
    ), (
        "Nowak", "Wójcik", "Mazur", "Krawczyk", "Rossi", "Russo", "Ferrari", "Bianchi", "Papadopoulos",
        "Georgiou", "Popescu", "Ionescu", "Silva", "Gonçalves", "Ferreira", "García", "Martínez",
        "López", "Müller", "Schmidt", "Dubois", "Lefèvre", "Jensen", "Larsen",
    )),
}
# Where a heritage is local, it is more common among the people there.
LOCAL_GROUP = {"scotland": "scottish", "wales": "welsh", "northern_ireland": "irish"}

# --- regions: (weight by NHS workforce, rough) and the cities people name ---------------------
REGION_WEIGHTS: dict[str, int] = {
    "london": 17, "kss": 7, "thames_valley": 4, "wessex": 5, "south_west": 8, "west_midlands": 9,
    "east_midlands": 7, "east_of_england": 8, "north_west": 11, "yorkshire_humber": 9,
    "north_east": 5, "scotland": 8, "wales": 5, "northern_ireland": 3,
}

# (name, what people call it, region)
MEDICAL_SCHOOLS: tuple[tuple[str, str, str], ...] = (
    ("Barts and The London School of Medicine and Dentistry", "Barts", "london"),
    ("Imperial College School of Medicine", "Imperial", "london"),
    ("GKT School of Medical Education, King's College London", "King's", "london"),
    ("UCL Medical School", "UCL", "london"),
    ("St George's, University of London", "St George's", "london"),
    ("Brighton and Sussex Medical School", "BSMS", "kss"),
    ("Kent and Medway Medical School", "KMMS", "kss"),
    ("University of Oxford Medical School", "Oxford", "thames_valley"),
    ("University of Buckingham Medical School", "Buckingham", "thames_valley"),
    ("University of Southampton Faculty of Medicine", "Southampton", "wessex"),
    ("University of Bristol Medical School", "Bristol", "south_west"),
    ("University of Exeter Medical School", "Exeter", "south_west"),
    ("Peninsula Medical School, University of Plymouth", "Plymouth", "south_west"),
    ("University of Birmingham Medical School", "Birmingham", "west_midlands"),
    ("Warwick Medical School", "Warwick", "west_midlands"),
    ("Keele University School of Medicine", "Keele", "west_midlands"),
    ("Aston Medical School", "Aston", "west_midlands"),
    ("University of Nottingham School of Medicine", "Nottingham", "east_midlands"),
    ("Leicester Medical School", "Leicester", "east_midlands"),
    ("Lincoln Medical School", "Lincoln", "east_midlands"),
    ("University of Cambridge School of Clinical Medicine", "Cambridge", "east_of_england"),
    ("Norwich Medical School, University of East Anglia", "UEA", "east_of_england"),
    ("Anglia Ruskin University School of Medicine", "ARU", "east_of_england"),
    ("University of Manchester Medical School", "Manchester", "north_west"),
    ("University of Liverpool School of Medicine", "Liverpool", "north_west"),
    ("Lancaster Medical School", "Lancaster", "north_west"),
    ("Edge Hill University Medical School", "Edge Hill", "north_west"),
    ("University of Central Lancashire School of Medicine", "UCLan", "north_west"),
    ("University of Leeds School of Medicine", "Leeds", "yorkshire_humber"),
    ("University of Sheffield Medical School", "Sheffield", "yorkshire_humber"),
    ("Hull York Medical School", "HYMS", "yorkshire_humber"),
    ("Newcastle University School of Medicine", "Newcastle", "north_east"),
    ("Sunderland Medical School", "Sunderland", "north_east"),
    ("University of Edinburgh Medical School", "Edinburgh", "scotland"),
    ("University of Glasgow School of Medicine", "Glasgow", "scotland"),
    ("University of Aberdeen School of Medicine", "Aberdeen", "scotland"),
    ("University of Dundee School of Medicine", "Dundee", "scotland"),
    ("University of St Andrews School of Medicine", "St Andrews", "scotland"),
    ("Cardiff University School of Medicine", "Cardiff", "wales"),
    ("Swansea University Medical School", "Swansea", "wales"),
    ("Queen's University Belfast School of Medicine", "Queen's", "northern_ireland"),
    ("Ulster University School of Medicine", "Ulster", "northern_ireland"),
)

# region: ((trust or board, city), …), then (ambulance service), then (GP practice towns)
TRUSTS: dict[str, tuple[tuple[str, str], ...]] = {
    "london": (("Barts Health NHS Trust", "Whitechapel"),
               ("Guy's and St Thomas' NHS Foundation Trust", "London"),
               ("King's College Hospital NHS Foundation Trust", "Denmark Hill"),
               ("University College London Hospitals NHS Foundation Trust", "London"),
               ("Imperial College Healthcare NHS Trust", "Paddington"),
               ("St George's University Hospitals NHS Foundation Trust", "Tooting"),
               ("Royal Free London NHS Foundation Trust", "Hampstead")),
    "kss": (("University Hospitals Sussex NHS Foundation Trust", "Brighton"),
            ("East Kent Hospitals University NHS Foundation Trust", "Canterbury"),
            ("Royal Surrey NHS Foundation Trust", "Guildford"),
            ("Maidstone and Tunbridge Wells NHS Trust", "Maidstone"),
            ("Medway NHS Foundation Trust", "Gillingham")),
    "thames_valley": (("Oxford University Hospitals NHS Foundation Trust", "Oxford"),
                      ("Royal Berkshire NHS Foundation Trust", "Reading"),
                      ("Buckinghamshire Healthcare NHS Trust", "Aylesbury"),
                      ("Milton Keynes University Hospital NHS Foundation Trust", "Milton Keynes")),
    "wessex": (("University Hospital Southampton NHS Foundation Trust", "Southampton"),
               ("Portsmouth Hospitals University NHS Trust", "Portsmouth"),
               ("Hampshire Hospitals NHS Foundation Trust", "Winchester"),
               ("University Hospitals Dorset NHS Foundation Trust", "Bournemouth"),
               ("Salisbury NHS Foundation Trust", "Salisbury")),
    "south_west": (("North Bristol NHS Trust", "Bristol"),
                   ("University Hospitals Bristol and Weston NHS Foundation Trust", "Bristol"),
                   ("Royal Devon University Healthcare NHS Foundation Trust", "Exeter"),
                   ("University Hospitals Plymouth NHS Trust", "Plymouth"),
                   ("Royal Cornwall Hospitals NHS Trust", "Truro"),
                   ("Gloucestershire Hospitals NHS Foundation Trust", "Gloucester")),
    "west_midlands": (("University Hospitals Birmingham NHS Foundation Trust", "Birmingham"),
                      ("University Hospitals Coventry and Warwickshire NHS Trust", "Coventry"),
                      ("University Hospitals of North Midlands NHS Trust", "Stoke-on-Trent"),
                      ("Sandwell and West Birmingham Hospitals NHS Trust", "West Bromwich"),
                      ("The Royal Wolverhampton NHS Trust", "Wolverhampton")),
    "east_midlands": (("Nottingham University Hospitals NHS Trust", "Nottingham"),
                      ("University Hospitals of Leicester NHS Trust", "Leicester"),
                      ("University Hospitals of Derby and Burton NHS Foundation Trust", "Derby"),
                      ("United Lincolnshire Hospitals NHS Trust", "Lincoln"),
                      ("Northampton General Hospital NHS Trust", "Northampton")),
    "east_of_england": (("Cambridge University Hospitals NHS Foundation Trust", "Cambridge"),
                        ("Norfolk and Norwich University Hospitals NHS Foundation Trust", "Norwich"),
                        ("East Suffolk and North Essex NHS Foundation Trust", "Ipswich"),
                        ("Mid and South Essex NHS Foundation Trust", "Chelmsford"),
                        ("Royal Papworth Hospital NHS Foundation Trust", "Cambridge"),
                        ("Bedfordshire Hospitals NHS Foundation Trust", "Luton")),
    "north_west": (("Manchester University NHS Foundation Trust", "Manchester"),
                   ("Liverpool University Hospitals NHS Foundation Trust", "Liverpool"),
                   ("Lancashire Teaching Hospitals NHS Foundation Trust", "Preston"),
                   ("Northern Care Alliance NHS Foundation Trust", "Salford"),
                   ("Alder Hey Children's NHS Foundation Trust", "Liverpool"),
                   ("The Christie NHS Foundation Trust", "Manchester")),
    "yorkshire_humber": (("Leeds Teaching Hospitals NHS Trust", "Leeds"),
                         ("Sheffield Teaching Hospitals NHS Foundation Trust", "Sheffield"),
                         ("Hull University Teaching Hospitals NHS Trust", "Hull"),
                         ("York and Scarborough Teaching Hospitals NHS Foundation Trust", "York"),
                         ("Bradford Teaching Hospitals NHS Foundation Trust", "Bradford")),
    "north_east": (("The Newcastle upon Tyne Hospitals NHS Foundation Trust", "Newcastle"),
                   ("South Tees Hospitals NHS Foundation Trust", "Middlesbrough"),
                   ("Northumbria Healthcare NHS Foundation Trust", "North Shields"),
                   ("County Durham and Darlington NHS Foundation Trust", "Durham"),
                   ("South Tyneside and Sunderland NHS Foundation Trust", "Sunderland")),
    "scotland": (("NHS Lothian", "Edinburgh"), ("NHS Greater Glasgow and Clyde", "Glasgow"),
                 ("NHS Grampian", "Aberdeen"), ("NHS Tayside", "Dundee"), ("NHS Highland", "Inverness"),
                 ("NHS Fife", "Kirkcaldy")),
    "wales": (("Cardiff and Vale University Health Board", "Cardiff"),
              ("Swansea Bay University Health Board", "Swansea"),
              ("Betsi Cadwaladr University Health Board", "Bangor"),
              ("Aneurin Bevan University Health Board", "Newport"),
              ("Hywel Dda University Health Board", "Carmarthen")),
    "northern_ireland": (("Belfast Health and Social Care Trust", "Belfast"),
                         ("South Eastern Health and Social Care Trust", "Dundonald"),
                         ("Northern Health and Social Care Trust", "Antrim"),
                         ("Western Health and Social Care Trust", "Derry"),
                         ("Southern Health and Social Care Trust", "Craigavon")),
}
AMBULANCE_SERVICES: dict[str, str] = {
    "london": "London Ambulance Service NHS Trust", "kss": "South East Coast Ambulance Service",
    "thames_valley": "South Central Ambulance Service", "wessex": "South Central Ambulance Service",
    "south_west": "South Western Ambulance Service", "west_midlands": "West Midlands Ambulance Service",
    "east_midlands": "East Midlands Ambulance Service",
    "east_of_england": "East of England Ambulance Service",
    "north_west": "North West Ambulance Service", "yorkshire_humber": "Yorkshire Ambulance Service",
    "north_east": "North East Ambulance Service", "scotland": "Scottish Ambulance Service",
    "wales": "Welsh Ambulance Services University NHS Trust",
    "northern_ireland": "Northern Ireland Ambulance Service",
}
PRACTICE_TOWNS: dict[str, tuple[str, ...]] = {
    "london": ("Hackney", "Brixton", "Walthamstow", "Ealing", "Peckham", "Kentish Town"),
    "kss": ("Lewes", "Hastings", "Horsham", "Faversham", "Woking"),
    "thames_valley": ("Abingdon", "Wallingford", "Bicester", "High Wycombe", "Newbury"),
    "wessex": ("Romsey", "Lymington", "Andover", "Poole", "Cowes"),
    "south_west": ("Totnes", "Bridport", "Falmouth", "Stroud", "Bath"),
    "west_midlands": ("Bournville", "Leamington Spa", "Shrewsbury", "Kidderminster", "Walsall"),
    "east_midlands": ("Beeston", "Loughborough", "Matlock", "Grantham", "Kettering"),
    "east_of_england": ("Ely", "Saffron Walden", "Bury St Edmunds", "Cromer", "St Albans"),
    "north_west": ("Chorlton", "Didsbury", "Kendal", "Southport", "Stockport"),
    "yorkshire_humber": ("Headingley", "Hebden Bridge", "Whitby", "Harrogate", "Holmfirth"),
    "north_east": ("Hexham", "Tynemouth", "Whitley Bay", "Barnard Castle", "Morpeth"),
    "scotland": ("Leith", "Partick", "Stonehaven", "Pitlochry", "Oban"),
    "wales": ("Canton", "Mumbles", "Aberystwyth", "Abergavenny", "Llandudno"),
    "northern_ireland": ("Holywood", "Bangor", "Ballymena", "Newry", "Enniskillen"),
}
PRACTICE_NAMES = ("{town} Medical Practice", "{town} Health Centre", "{town} Surgery", "The {town} Practice",
                  "{town} Family Practice", "{town} Group Practice")
# fmt: on
