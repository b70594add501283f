-- 0003_seed_programs.sql — the region's interventions as templates, the
-- organizations they name, the service area and the risk questionnaire.
--
-- All names are synthetic. Administrators change these as data.

INSERT INTO organization (kind, name, facility_code) VALUES
    ('hospital', 'Northgate General Hospital', 'NGH'),
    ('hospital', 'Lakeshore Medical Center', 'LMC'),
    ('hospital', 'Cedar Valley Hospital', 'CVH'),
    ('hospital', 'Millbrook Community Hospital', 'MCH'),
    ('hospital', 'Harbor Point Hospital', 'HPH'),
    ('hospital', 'Elm Ridge Medical Center', 'ERM'),
    ('snf', 'Willow Court Rehabilitation', 'SNF-WC'),
    ('snf', 'Briarwood Skilled Nursing', 'SNF-BW'),
    ('senior-living', 'Maple Terrace Apartments', 'SL-MT'),
    ('senior-living', 'Riverbend Senior Residences', 'SL-RB'),
    ('senior-living', 'Oakhaven Commons', 'SL-OC'),
    ('practice', 'Fairview Family Practice', 'PCP-FV'),
    ('practice', 'Summit Internal Medicine', 'PCP-SI'),
    ('payer-cm', 'Keystone Health Plan Case Management', 'PAY-KH'),
    ('payer-cm', 'Bluewater Medicaid Care Management', 'PAY-BW'),
    ('clinic', 'Eastside Safety-Net Clinic', 'CLN-ES'),
    ('agency', 'County Mobile Treatment Services', 'AGY-MT'),
    ('agency', 'Crossroads Crisis House', 'AGY-CH'),
    ('hie', 'Regional Health Information Exchange', 'HIE'),
    ('ems', 'County Fire and Rescue EMS', 'EMS');

INSERT INTO service_zip (zip) VALUES
    ('20810'), ('20812'), ('20814'), ('20815'), ('20816'), ('20817'),
    ('20818'), ('20832'), ('20833'), ('20837'), ('20841'), ('20850'),
    ('20851'), ('20852'), ('20853'), ('20854'), ('20855'), ('20860'),
    ('20861'), ('20862'), ('20866'), ('20868'), ('20871'), ('20872'),
    ('20874'), ('20876'), ('20877'), ('20878'), ('20879'), ('20882'),
    ('20886'), ('20895'), ('20901'), ('20902'), ('20903'), ('20904'),
    ('20905'), ('20906'), ('20910'), ('20912'), ('20740'), ('20783');

INSERT INTO program (code, name, kind, hospital_id, min_age, payers, settings,
                     episode_start, episode_days, max_days, capacity, rescreen_days,
                     overlap_group) VALUES
    ('hss', 'Health Stabilization for Seniors', 'senior-stabilization', NULL, 65,
     'medicare,dual', 'home,senior-living,snf', 'assessment-high', 60, 90, 35, 90,
     'community-care');

INSERT INTO program (code, name, kind, hospital_id, payers, episode_start,
                     episode_days, max_days, capacity, rescreen_days, overlap_group)
SELECT 'ct-' || lower(facility_code), 'Care Transitions at ' || name,
       'care-transition', id, '', 'discharge',
       CASE facility_code WHEN 'LMC' THEN 60 ELSE 30 END,
       CASE facility_code WHEN 'LMC' THEN 60 ELSE 90 END,
       35, 90, 'community-care'
FROM organization WHERE kind = 'hospital' ORDER BY id;

INSERT INTO program (code, name, kind, payers, episode_start, episode_days,
                     max_days, capacity, rescreen_days, overlap_group) VALUES
    ('pasc', 'Post-Acute Specialty Care Navigation', 'specialty-navigation',
     'uninsured-ineligible', 'discharge', 30, 45, 35, 90, 'specialty'),
    ('act', 'Assertive Community Treatment', 'smi-act', 'medicaid,dual',
     'enrollment', 180, 365, 10, 90, 'smi'),
    ('crisis', 'Crisis Beds', 'smi-crisis', 'medicaid,dual', 'enrollment', 10, 14,
     8, 30, '');

-- Every care-transition program: home visit within 72 hours of discharge,
-- then weekly calls.
INSERT INTO protocol_task (program_id, code, title, anchor, offset_hours,
                           repeat_days, repeat_count)
SELECT id, 'home-visit', 'Home visit within 72 hours of discharge', 'discharge', 72,
       0, 1
FROM program WHERE kind = 'care-transition';
INSERT INTO protocol_task (program_id, code, title, anchor, offset_hours,
                           repeat_days, repeat_count)
SELECT id, 'weekly-call', 'Weekly follow-up call', 'discharge', 168, 7,
       CASE WHEN episode_days >= 60 THEN 8 ELSE 4 END
FROM program WHERE kind = 'care-transition' AND code <> 'ct-cvh';
-- One hospital: an in-hospital visit and at least three coaching calls.
INSERT INTO protocol_task (program_id, code, title, anchor, offset_hours,
                           repeat_days, repeat_count)
SELECT id, 'in-hospital-visit', 'In-hospital visit before discharge', 'discharge',
       0, 0, 1
FROM program WHERE code = 'ct-cvh';
INSERT INTO protocol_task (program_id, code, title, anchor, offset_hours,
                           repeat_days, repeat_count)
SELECT id, 'coaching-call', 'Coaching call', 'discharge', 168, 7, 3
FROM program WHERE code = 'ct-cvh';

INSERT INTO protocol_task (program_id, code, title, anchor, offset_hours,
                           repeat_days, repeat_count)
SELECT id, 'connect-pcp', 'Connect to primary care provider', 'episode-start', 168,
       0, 1 FROM program WHERE code = 'hss'
UNION ALL
SELECT id, 'med-rec', 'Medication reconciliation with the RN', 'episode-start', 336,
       0, 1 FROM program WHERE code = 'hss'
UNION ALL
SELECT id, 'weekly-contact', 'Weekly contact', 'episode-start', 168, 7, 8
FROM program WHERE code = 'hss'
UNION ALL
SELECT id, 'book-specialty', 'Book specialty appointment', 'discharge', 168, 0, 1
FROM program WHERE code = 'pasc'
UNION ALL
SELECT id, 'reminder-call', 'Appointment reminder call', 'discharge', 336, 0, 1
FROM program WHERE code = 'pasc'
UNION ALL
SELECT id, 'safety-net-handoff', 'Warm hand-off to safety-net primary care',
       'discharge', 720, 0, 1 FROM program WHERE code = 'pasc'
UNION ALL
SELECT id, 'team-meeting', 'ACT team review', 'episode-start', 168, 7, 26
FROM program WHERE code = 'act'
UNION ALL
SELECT id, 'discharge-plan', 'Crisis bed discharge plan', 'episode-start', 168, 0, 1
FROM program WHERE code = 'crisis';

-- The health risk assessment: up to 15 lay-language yes/no questions in three
-- categories; a "yes" adds its weight and names the issue that drove it.
INSERT INTO questionnaire (code, version, title, high_min, moderate_min)
VALUES ('hra', 1, 'Health risk assessment', 10, 5);

WITH v (position, category, text, driver, weight) AS (VALUES
    (1, 'condition', 'Have you been to the emergency room or stayed in the hospital in the last six months?', 'recent hospital use', 3),
    (2, 'condition', 'Is a long-term illness (heart, lungs, kidneys, memory) getting worse?', 'worsening chronic condition', 3),
    (3, 'condition', 'Have you fallen, or been afraid of falling, in the last three months?', 'falls', 2),
    (4, 'condition', 'Is it harder than before to bathe, dress, or walk around your home?', 'functional decline', 2),
    (5, 'condition', 'Do you take five or more medicines every day?', 'many medicines', 1),
    (6, 'coordination', 'Has it been more than a year since you saw a regular doctor, or do you not have one?', 'no primary care', 2),
    (7, 'coordination', 'Are you unsure what each of your medicines is for or how to take it?', 'medication confusion', 2),
    (8, 'coordination', 'Have you missed a doctor''s appointment in the last three months?', 'missed appointments', 1),
    (9, 'coordination', 'Did you leave the hospital without a follow-up visit planned?', 'no follow-up after discharge', 2),
    (10, 'coordination', 'Do different doctors tell you different things about your care?', 'conflicting care plans', 1),
    (11, 'social', 'Do you live alone, or has the help you get from family changed?', 'little family support', 2),
    (12, 'social', 'In the last month, did you skip meals or medicines because of cost?', 'cost barriers', 2),
    (13, 'social', 'Is it hard to get a ride to your appointments?', 'transportation', 1),
    (14, 'social', 'Do you feel unsafe at home, or worry about losing your home?', 'housing or safety', 2),
    (15, 'social', 'Do you often feel lonely or down?', 'isolation or low mood', 1)
)
INSERT INTO question (questionnaire_id, position, category, text, driver, weight)
SELECT q.id, v.position, v.category, v.text, v.driver, v.weight
FROM questionnaire q, v
WHERE q.code = 'hra' AND q.version = 1;
