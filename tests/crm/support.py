"""Realistic CRM exports, as the three CRMs write them."""

# HubSpot: a BOM, a quoted comma in the company, a blank line, a bad email.
HUBSPOT = (
    "\ufeffRecord ID,First Name,Last Name,Email,Company Name,Plan,MRR,Contact owner,"
    "Last Contacted\r\n"
    '101,Jack,Jones,Jack.Jones@Acme.example,"Acme, Inc.",Enterprise,"1,250.00",'
    "Olga Owner,2024-03-01 10:15\r\n"
    "\r\n"
    "102,Nina,Nobody,not-an-email,Nowhere Ltd,Team,99,Olga Owner,2024-02-01\r\n"
    "103,Fred,Free,fred@gmail.com,,Starter,19,Olga Owner,\r\n"
    '104,Ann,"O\'Neil, Jr.", ann@acme.example ,"Acme, Inc.",Enterprise,"1,250.00",'
    "Olga Owner,2024-03-02 09:00\r\n"
)

# Salesforce report export: US dates, Account Name, quoted everything.
SALESFORCE = (
    '"First Name","Last Name","Email","Account Name","Contact Owner","Last Activity",'
    '"Plan","MRR","Next Step"\n'
    '"Bea","Brown","bea@globex.example","Globex Corporation","Sam Seller","3/15/2024",'
    '"Business","$500.00","Call to renew"\n'
    '"Carl","Clark","carl@globex.example","Globex Corporation","Sam Seller","13/45/2024",'
    '"Business","$500.00",""\n'
    '"Dora","Diaz","","Globex Corporation","Sam Seller","3/16/2024","Business","",""\n'
)

# Pipedrive persons export: "Person - " columns, a multi-line quoted note.
PIPEDRIVE = (
    "Person - Name,Person - Email - Work,Person - Organization,Person - Owner,"
    "Person - Last activity date,Person - Note\n"
    'Erin Evans,erin@initech.example,Initech,Pat Pipe,2024-01-20,"likes, commas"\n'
    'Gus Green,gus@initech.example,Initech,Pat Pipe,2024-01-21,"two\nlines"\n'
    "Hal Hill,hal@@initech.example,Initech,Pat Pipe,2024-01-22,\n"
)

# Any other CRM, with a mapping file.
OTHER = "Mail;Full;Firm;Tier;Worth\nivy@umbrella.example;Ivy Iris;Umbrella;Gold;42,50\n"
OTHER_MAPPING = (
    b'{"email": "Mail", "name": "Full", "company": "Firm", "plan": "Tier", "value": "Worth"}'
)
