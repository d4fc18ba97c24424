using System;
using System.Collections.Generic;
using System.Linq;
using Engram.Eval.Sets;

namespace Engram.Eval.Generation
{
    /// <summary>
    /// The conversations set: three group chats (four speakers each, six people in all) over most of 2026,
    /// with sessions of small talk in which people announce trips, job changes, purchases, meetings, moves,
    /// pets and races, answer follow-up questions about them, and report back in a later session. All
    /// sentences and question phrasings are hand-written templates below; a seeded <see cref="Random"/>
    /// picks who says what, with which details, so every run writes the same files. Details are unique per
    /// speaker and event type, so each question has exactly one answer, while other speakers announce
    /// look-alike events (the near-duplicates a retriever must tell apart by name and detail).
    /// </summary>
    public static class ConversationGenerator
    {
        public const int Seed = 1709;
        private const int SessionsPerConversation = 14;

        private static readonly (string Id, string[] Speakers, DateTime Start, string Topic)[] Conversations =
        {
            ("c1", new[] { "Priya", "Marco", "Jonas", "Aisha" }, new DateTime(2026, 1, 9, 19, 0, 0, DateTimeKind.Utc), "old university friends"),
            ("c2", new[] { "Tom", "Lena", "Marco", "Aisha" }, new DateTime(2026, 1, 12, 20, 0, 0, DateTimeKind.Utc), "climbing club"),
            ("c3", new[] { "Jonas", "Lena", "Tom", "Priya" }, new DateTime(2026, 1, 15, 18, 30, 0, DateTimeKind.Utc), "neighbours on Linden Street"),
        };

        public static (List<EvalMemory> Turns, List<EvalQuestion> Questions) Build()
        {
            var state = new State(new Random(Seed));
            foreach (var conversation in Conversations)
            {
                var time = conversation.Start;
                var pending = new List<Action<Session>>();
                for (var s = 1; s <= SessionsPerConversation; s++)
                {
                    var session = new Session(state, conversation.Id, s, time, conversation.Speakers);
                    session.Say(session.AnySpeaker(), Pick(state.Random, Openers));
                    foreach (var followUp in pending)
                    {
                        followUp(session);
                        session.Filler(state.Random.Next(0, 2));
                    }

                    pending.Clear();
                    var events = 4 + state.Random.Next(0, 2);
                    for (var e = 0; e < events; e++)
                    {
                        var followUp = state.NewEvent(session);
                        if (followUp != null)
                        {
                            pending.Add(followUp);
                        }

                        session.Filler(1 + state.Random.Next(0, 2));
                    }

                    session.Say(session.AnySpeaker(), Pick(state.Random, Closers));
                    time = time.AddDays(7 + state.Random.Next(0, 8)).AddMinutes(state.Random.Next(-90, 90));
                }
            }

            // The three chats run side by side: store every turn in the order it was said.
            var turns = state.Turns.OrderBy(t => t.Timestamp, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
            var byId = turns.ToDictionary(t => t.Id, StringComparer.Ordinal);
            var questions = state.SelectQuestions();
            using var words = new ContentWords();
            foreach (var q in questions)
            {
                q.SharedContentWords = q.Evidence.Min(id => words.Shared(q.Question, byId[id].Text));
            }

            return (turns, questions);
        }

        private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private sealed class Session
        {
            private readonly State _state;
            private DateTime _time;
            private int _turn;

            public Session(State state, string conversation, int number, DateTime start, string[] speakers)
            {
                _state = state;
                Conversation = conversation;
                Id = $"{conversation}-s{number:00}";
                _time = start;
                Speakers = speakers;
            }

            public string Conversation { get; }
            public string Id { get; }
            public string[] Speakers { get; }

            public string AnySpeaker() => Pick(_state.Random, Speakers);

            public string Other(string speaker) => Pick(_state.Random, Speakers.Where(s => s != speaker).ToList());

            public string Say(string speaker, string text)
            {
                _time = _time.AddMinutes(1 + _state.Random.Next(0, 5)).AddSeconds(_state.Random.Next(0, 60));
                _turn++;
                var memory = new EvalMemory
                {
                    Id = $"{Id}-t{_turn:00}",
                    Timestamp = FactsGenerator.Format(_time),
                    Text = $"{speaker}: {text}",
                    Kind = "turn",
                    Conversation = Conversation,
                    Session = Id,
                    Speaker = speaker,
                };
                _state.Turns.Add(memory);
                return memory.Id;
            }

            public void Filler(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    var speaker = AnySpeaker();
                    var line = Pick(_state.Random, SmallTalk).Replace("{other}", Other(speaker));
                    Say(speaker, line);
                }
            }
        }

        /// <summary>A question candidate: its text, the turns that answer it, and the event type.</summary>
        private sealed class Candidate
        {
            public Candidate(string kind, string question, params string[] evidence)
            {
                Kind = kind;
                Question = question;
                Evidence = evidence.ToList();
            }

            public string Kind { get; }
            public string Question { get; }
            public List<string> Evidence { get; }
        }

        private sealed class State
        {
            private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);
            private readonly List<List<Candidate>> _events = new List<List<Candidate>>();

            public State(Random random) => Random = random;

            public Random Random { get; }
            public List<EvalMemory> Turns { get; } = new List<EvalMemory>();

            /// <summary>Emits one event's turns; returns the follow-up for the next session, if the event has one.</summary>
            public Action<Session>? NewEvent(Session session)
            {
                for (var attempt = 0; attempt < 50; attempt++)
                {
                    var speaker = session.AnySpeaker();
                    var kind = Random.Next(0, 100) switch
                    {
                        < 24 => "trip",
                        < 40 => "purchase",
                        < 58 => "meeting",
                        < 68 => "job",
                        < 78 => "pet",
                        < 90 => "race",
                        _ => "move",
                    };
                    var candidates = new List<Candidate>();
                    Action<Session>? followUp;
                    switch (kind)
                    {
                        case "trip":
                            if (!TryTrip(session, speaker, candidates, out followUp)) continue;
                            break;
                        case "purchase":
                            if (!TryPurchase(session, speaker, candidates)) continue;
                            followUp = null;
                            break;
                        case "meeting":
                            if (!TryMeeting(session, speaker, candidates)) continue;
                            followUp = null;
                            break;
                        case "job":
                            if (!TryJob(session, speaker, candidates, out followUp)) continue;
                            break;
                        case "pet":
                            if (!TryPet(session, speaker, candidates)) continue;
                            followUp = null;
                            break;
                        case "race":
                            if (!TryRace(session, speaker, candidates, out followUp)) continue;
                            break;
                        default:
                            if (!TryMove(session, speaker, candidates)) continue;
                            followUp = null;
                            break;
                    }

                    _events.Add(candidates);
                    return followUp;
                }

                return null;
            }

            /// <summary>Two questions per event where it has two (one where it has one), in a fixed order.</summary>
            public List<EvalQuestion> SelectQuestions()
            {
                var questions = new List<EvalQuestion>();
                foreach (var candidates in _events)
                {
                    var chosen = candidates.Take(1).Concat(candidates.Skip(1).OrderBy(_ => Random.Next()).Take(1));
                    foreach (var c in chosen)
                    {
                        questions.Add(new EvalQuestion
                        {
                            Id = $"cq{questions.Count + 1:000}",
                            Question = c.Question,
                            Evidence = c.Evidence,
                            Kind = c.Kind,
                        });
                    }
                }

                return questions;
            }

            private bool Claim(params string[] keys)
            {
                if (keys.Any(_used.Contains))
                {
                    return false;
                }

                foreach (var key in keys)
                {
                    _used.Add(key);
                }

                return true;
            }

            private bool TryTrip(Session session, string s, List<Candidate> candidates, out Action<Session>? followUp)
            {
                followUp = null;
                var city = Pick(Random, Cities);
                var purpose = Pick(Random, TripPurposes);
                if (!Claim($"{s}|trip|{city}", $"{s}|purpose|{purpose.Short}"))
                {
                    return false;
                }

                var transport = Pick(Random, Transports);
                var stay = Pick(Random, Stays);
                var o = session.Other(s);
                var announce = session.Say(s, Fill(Pick(Random, TripAnnouncements), ("city", city), ("purpose", purpose.Long)));
                session.Say(o, Pick(Random, TripReactions).Replace("{name}", s));
                var detail = session.Say(s, Fill(Pick(Random, TripDetails), ("city", city), ("transport", transport), ("stay", stay)));
                candidates.Add(new Candidate("trip", $"Where did {s} travel for {purpose.Short}?", announce));
                candidates.Add(new Candidate("trip", $"How did {s} get to {city}?", detail));
                candidates.Add(new Candidate("trip", $"Where did {s} stay in {city}?", detail));
                var impression = Pick(Random, TripImpressions);
                followUp = next =>
                {
                    var back = next.Say(s, Fill(Pick(Random, TripReturns), ("city", city), ("impression", impression)));
                    next.Say(next.Other(s), Pick(Random, Reactions));
                    candidates.Add(new Candidate("trip", $"What did {s} say about the trip to {city} after coming back?", back));
                };
                return true;
            }

            private bool TryPurchase(Session session, string s, List<Candidate> candidates)
            {
                var item = Pick(Random, Items);
                var shop = Pick(Random, Shops);
                if (!Claim($"{s}|item|{item.Short}", $"{s}|shop|{shop.Long}"))
                {
                    return false;
                }

                var price = $"{(item.MinPrice + Random.Next(0, item.MinPrice * 2) / 10 * 10):N0} euros".Replace(",", ",");
                var o = session.Other(s);
                var announce = session.Say(s, Fill(Pick(Random, PurchaseAnnouncements), ("item", item.Long)));
                session.Say(o, Pick(Random, PurchaseQuestions));
                var detail = session.Say(s, Fill(Pick(Random, PurchaseDetails), ("price", price), ("shop", shop.Long), ("short", item.Short)));
                candidates.Add(new Candidate("purchase", $"How much did {s} pay for {item.Short}?", detail));
                candidates.Add(new Candidate("purchase", $"Where did {s} buy {item.Short}?", detail));
                candidates.Add(new Candidate("purchase", $"What did {s} buy {shop.InQuestion}?", announce, detail));
                return true;
            }

            private bool TryMeeting(Session session, string s, List<Candidate> candidates)
            {
                var meeting = Pick(Random, Meetings);
                if (!Claim($"{s}|meeting|{meeting.Short}"))
                {
                    return false;
                }

                var o = session.Other(s);
                var announce = session.Say(s, Fill(Pick(Random, MeetingAnnouncements), ("who", meeting.Who), ("topic", meeting.Topic)));
                session.Say(o, Pick(Random, MeetingQuestions));
                var outcome = session.Say(s, Fill(Pick(Random, MeetingOutcomes), ("outcome", meeting.Outcome)));
                candidates.Add(new Candidate("meeting", $"What did {s} discuss with the {meeting.Short}?", announce));
                candidates.Add(new Candidate("meeting", $"What came out of {s}'s meeting with the {meeting.Short}?", outcome));
                return true;
            }

            private bool TryJob(Session session, string s, List<Candidate> candidates, out Action<Session>? followUp)
            {
                followUp = null;
                var company = Pick(Random, Companies);
                var role = Pick(Random, Roles);
                if (_used.Count(k => k.StartsWith(s + "|job|", StringComparison.Ordinal)) >= 2 ||
                    !Claim($"{s}|job|{company}", $"{s}|role|{role}"))
                {
                    return false;
                }

                var reason = Pick(Random, JobReasons);
                var start = $"{Random.Next(1, 29)} {Pick(Random, Months)}";
                var o = session.Other(s);
                var announce = session.Say(s, Fill(Pick(Random, JobAnnouncements), ("company", company), ("role", role)));
                session.Say(o, Pick(Random, JobReactions).Replace("{name}", s));
                var detail = session.Say(s, Fill(Pick(Random, JobDetails), ("start", start), ("reason", reason)));
                candidates.Add(new Candidate("job", $"Which company did {s} join as a {role}?", announce));
                candidates.Add(new Candidate("job", $"What role did {s} accept at {company}?", announce));
                candidates.Add(new Candidate("job", $"Why did {s} decide to move to {company}?", detail));
                candidates.Add(new Candidate("job", $"When does {s} start at {company}?", detail));
                var impression = Pick(Random, JobImpressions);
                followUp = next =>
                {
                    var week = next.Say(s, Fill("First week at {company} done. {impression}", ("company", company), ("impression", impression)));
                    next.Say(next.Other(s), Pick(Random, Reactions));
                    candidates.Add(new Candidate("job", $"How was {s}'s first week at {company}?", week));
                };
                return true;
            }

            private bool TryPet(Session session, string s, List<Candidate> candidates)
            {
                var animal = Pick(Random, Animals);
                var name = Pick(Random, PetNames);
                if (!Claim($"{s}|pet|{animal}", $"{s}|petname|{name}"))
                {
                    return false;
                }

                var o = session.Other(s);
                var announce = session.Say(s, Fill(Pick(Random, PetAnnouncements), ("animal", animal), ("name", name)));
                session.Say(o, Pick(Random, PetReactions));
                var mischief = session.Say(s, Fill(Pick(Random, PetDetails), ("name", name), ("thing", Pick(Random, ChewedThings))));
                candidates.Add(new Candidate("pet", $"What is the name of {s}'s {animal}?", announce));
                candidates.Add(new Candidate("pet", $"What did {s}'s {animal} {name} ruin?", mischief));
                return true;
            }

            private bool TryRace(Session session, string s, List<Candidate> candidates, out Action<Session>? followUp)
            {
                followUp = null;
                var race = Pick(Random, Races);
                if (!Claim($"{s}|race|{race}"))
                {
                    return false;
                }

                var target = Pick(Random, RaceTargets);
                var o = session.Other(s);
                var announce = session.Say(s, Fill(Pick(Random, RaceAnnouncements), ("race", race)));
                session.Say(o, Pick(Random, RaceQuestions));
                var goal = session.Say(s, Fill(Pick(Random, RaceGoals), ("target", target)));
                candidates.Add(new Candidate("race", $"What is {s}'s goal for the {race}?", goal));
                var result = Pick(Random, RaceResults);
                followUp = next =>
                {
                    var done = next.Say(s, Fill("Finished the {race}! {result}", ("race", race), ("result", result)));
                    next.Say(next.Other(s), Pick(Random, Reactions));
                    candidates.Add(new Candidate("race", $"How did the {race} go for {s}?", done));
                };
                return true;
            }

            private bool TryMove(Session session, string s, List<Candidate> candidates)
            {
                var hood = Pick(Random, Neighbourhoods);
                if (!Claim($"{s}|move"))
                {
                    return false;
                }

                var rooms = Pick(Random, new[] { "one", "two", "three" });
                var date = $"{Random.Next(1, 29)} {Pick(Random, Months)}";
                var o = session.Other(s);
                var announce = session.Say(s, Fill(Pick(Random, MoveAnnouncements), ("hood", hood), ("rooms", rooms)));
                session.Say(o, Pick(Random, MoveQuestions));
                var day = session.Say(s, Fill(Pick(Random, MoveDetails), ("date", date)));
                candidates.Add(new Candidate("move", $"Which neighbourhood is {s} moving to?", announce));
                candidates.Add(new Candidate("move", $"When is {s}'s moving day?", day));
                return true;
            }

            private static string Fill(string template, params (string Name, string Value)[] slots)
            {
                foreach (var (name, value) in slots)
                {
                    template = template.Replace("{" + name + "}", value);
                }

                return template.Length > 0 ? char.ToUpperInvariant(template[0]) + template.Substring(1) : template;
            }
        }

        // ---- hand-written content -------------------------------------------------------------------

        private static readonly string[] Openers =
        {
            "Evening all!", "Hi everyone, long day.", "Anyone around?", "Morning! Coffee first.", "Hey hey.",
            "Ok I have news, but first: how is everyone?", "Sorry I've been quiet, work is mad.", "Right, who's free for a chat?",
        };

        private static readonly string[] Closers =
        {
            "Ok, off to bed. Night all.", "Gotta run, talk soon!", "Dinner's ready, later!", "Speak next week.",
            "Right, back to work for me.", "Night night.", "Catch you all soon.",
        };

        private static readonly string[] SmallTalk =
        {
            "Did anyone watch the match last night?", "It has not stopped raining here since Tuesday.",
            "I need a holiday so badly.", "Has anyone tried that new ramen place near the station?",
            "My sourdough starter died again.", "I'm so tired this week, the neighbours' baby cries all night.",
            "We should do a board game night soon.", "Reading a great book at the moment, will report back.",
            "Who's up for a pub quiz on Thursday?", "The trains were a disaster this morning.",
            "Honestly the heating bill this month is criminal.", "Ha, that's brilliant {other}.",
            "Lol {other}, classic.", "Same here.", "I can't believe it's already this late in the year.",
            "Just made the best lasagne of my life.", "Anyone know a good plumber?", "My phone screen cracked, again.",
            "I've been binge-watching that Danish crime series.", "The gym was packed tonight.",
            "Not much news from me, just work and sleep.", "I'm trying to drink less coffee. It's going badly.",
            "Happy Friday everyone!", "That sounds exhausting {other}.", "Agreed.", "Haha yes.",
            "Can we please pick a date for dinner?", "Mum called, she says hi to everyone.",
            "I finally fixed the wobbly table.", "My plants are all dying, any tips?",
            "Who's watching the final on Sunday?", "Traffic was awful today.", "I'm learning Spanish on an app, day 40!",
            "Did you see the photos {other} posted?", "Too hot to think today.", "The cat knocked my tea over.",
            "Someone remind me to renew my passport.", "Big storm coming apparently.", "Pizza tonight, no regrets.",
            "Work drinks were surprisingly fun.", "I'm rewatching the old Star Wars films.", "That's wild {other}.",
        };

        private static readonly string[] Reactions =
        {
            "Love that.", "Oh nice, glad to hear it.", "Ha, sounds about right.", "Amazing!", "Oof, but well done.",
            "Wow.", "Good for you!", "Tell us more at dinner.",
        };

        private static readonly string[] Cities =
        {
            "Lisbon", "Porto", "Krakow", "Edinburgh", "Seville", "Copenhagen", "Vienna", "Ljubljana", "Bologna",
            "Tallinn", "Marseille", "Bruges", "Dubrovnik", "Valencia", "Prague", "Galway", "Lyon", "Budapest",
            "Oslo", "Naples", "Bilbao", "Riga", "Zurich", "Athens", "Munich", "Split", "Cork", "Gdansk",
        };

        private static readonly (string Long, string Short)[] TripPurposes =
        {
            ("my cousin's wedding", "the wedding"), ("a work conference", "the conference"),
            ("a hiking weekend", "the hiking weekend"), ("my sister's 40th birthday", "the birthday party"),
            ("a football match", "the football match"), ("a job interview", "the job interview"),
            ("a yoga retreat", "the yoga retreat"), ("a food festival", "the food festival"),
            ("a friend's stag do", "the stag do"), ("a jazz concert", "the jazz concert"),
        };

        private static readonly string[] TripAnnouncements =
        {
            "I'm heading to {city} on Friday for {purpose}.", "Booked it: {city} next weekend, for {purpose}.",
            "Quick update, I'll be in {city} from Thursday for {purpose}.", "Off to {city} soon for {purpose}, can't wait.",
        };

        private static readonly string[] TripReactions =
        {
            "Oh nice, how are you getting there?", "Fun! Train or plane?", "Lucky you {name}. How are you travelling?",
            "Jealous. Where are you staying?",
        };

        private static readonly string[] Transports =
        {
            "the night train", "a cheap early flight", "the ferry", "a rental car", "the coach, sadly", "my dad's old van",
        };

        private static readonly string[] Stays =
        {
            "an Airbnb near the old town", "a hostel by the harbour", "my cousin's spare room", "a hotel next to the station",
            "a tiny guesthouse up the hill", "a campsite outside the city", "a friend's flat in the centre",
        };

        private static readonly string[] TripDetails =
        {
            "Taking {transport}, and I found {stay}.", "{transport}. We're staying in {stay}.",
            "Going to {city} by {transport}; booked {stay}.", "{transport} there and back, staying at {stay}.",
        };

        private static readonly string[] TripReturns =
        {
            "Back from {city}! {impression}", "Just got home from {city}. {impression}", "Home again. {impression}",
        };

        private static readonly string[] TripImpressions =
        {
            "The food was incredible but it rained every single day.", "Way too hot, but the people were lovely.",
            "Honestly exhausting, I need a holiday from my holiday.", "We walked twenty kilometres a day and I loved it.",
            "Lost my wallet on day one, otherwise perfect.", "Best trip in years, I want to move there.",
            "Overrated, to be honest, and everything was expensive.", "The hotel had bedbugs, never again.",
            "Met the nicest old couple on the tram, they gave us a tour.", "Got food poisoning from a mussel, still recovering.",
        };

        private static readonly (string Long, string Short, int MinPrice)[] Items =
        {
            ("a second-hand road bike", "the road bike", 400), ("an espresso machine", "the espresso machine", 250),
            ("a used Volvo estate", "the Volvo", 6000), ("a standing desk", "the standing desk", 300),
            ("a new laptop", "the laptop", 900), ("a green velvet sofa", "the sofa", 700),
            ("noise-cancelling headphones", "the headphones", 200), ("a four-person tent", "the tent", 150),
            ("an e-reader", "the e-reader", 100), ("a cargo bike", "the cargo bike", 1800),
            ("an electric drum kit", "the drum kit", 500), ("a sewing machine", "the sewing machine", 180),
            ("proper hiking boots", "the hiking boots", 120), ("a robot vacuum", "the robot vacuum", 250),
            ("an inflatable kayak", "the kayak", 300), ("an air fryer", "the air fryer", 60),
            ("a film camera", "the film camera", 150), ("a telescope", "the telescope", 350),
        };

        private static readonly (string Long, string InQuestion)[] Shops =
        {
            ("a flea market", "at a flea market"), ("the outlet mall", "at the outlet mall"),
            ("an online auction", "in an online auction"), ("a neighbour down the road", "from a neighbour"),
            ("a Facebook group", "through a Facebook group"), ("IKEA", "at IKEA"),
            ("the big electronics store downtown", "at the electronics store downtown"),
            ("a shop in the old town", "at a shop in the old town"), ("a closing-down sale", "at a closing-down sale"),
            ("my colleague", "from a colleague"), ("a charity shop", "at a charity shop"),
        };

        private static readonly string[] PurchaseAnnouncements =
        {
            "Finally bought {item}!", "I caved and got {item}.", "Guess who just bought {item}.", "New toy: {item}.",
        };

        private static readonly string[] PurchaseQuestions =
        {
            "How much was it?", "Nice, where from?", "Was it expensive?", "Ooh, good deal?",
        };

        private static readonly string[] PurchaseDetails =
        {
            "{price} from {shop}.", "Paid {price} at {shop}, not bad.", "{price}. Found it at {shop}.",
            "{short} was {price}, from {shop}.", "Got {short} at {shop} for {price}.",
        };

        private static readonly (string Who, string Short, string Topic, string Outcome)[] Meetings =
        {
            ("my landlord", "landlord", "the mould in the bathroom", "they'll send a contractor next week and pay for the repairs"),
            ("the mortgage advisor at the bank", "mortgage advisor", "fixing our rate for ten years", "we can borrow a bit more than we thought, at 3.4 percent"),
            ("my son's teacher", "teacher", "his reading", "he's doing fine, he just needs more practice at home"),
            ("my thesis supervisor", "thesis supervisor", "my final chapter", "she wants a full draft by the end of the month"),
            ("the dentist", "dentist", "that wisdom tooth", "it has to come out in two weeks"),
            ("our accountant", "accountant", "my tax return", "I'm getting about 800 euros back"),
            ("the wedding planner", "wedding planner", "the venue", "we're going with the barn outside town"),
            ("a physiotherapist", "physiotherapist", "my knee", "six weeks of exercises and no running"),
            ("the architect", "architect", "the kitchen extension", "the plans go to the council in March"),
            ("my new manager", "new manager", "my goals for the year", "I'm leading the data migration project"),
            ("the vet", "vet", "the dog's limp", "nothing broken, just a sprain and two weeks of rest"),
            ("the residents' association", "residents' association", "the parking situation", "we're getting residents-only permits in spring"),
            ("a recruiter", "recruiter", "a role in Amsterdam", "they'll set up interviews if I'm open to relocating"),
            ("the school principal", "school principal", "the after-school club", "it will run until six from September"),
            ("my financial advisor", "financial advisor", "my pension", "I should double my monthly contribution"),
            ("the car dealer", "car dealer", "trading in my old car", "they offered 2,500 euros for it"),
        };

        private static readonly string[] MeetingAnnouncements =
        {
            "Had a meeting with {who} about {topic} this morning.", "Just got out of a meeting with {who}, we talked about {topic}.",
            "Met {who} today to go over {topic}.",
        };

        private static readonly string[] MeetingQuestions = { "And? How did it go?", "What did they say?", "Any good news?", "So what's the verdict?" };

        private static readonly string[] MeetingOutcomes = { "Good news actually: {outcome}.", "Apparently {outcome}.", "Long story short, {outcome}." };

        private static readonly string[] Companies =
        {
            "Brightline Health", "Northstar Analytics", "Kestrel Robotics", "Harbour & Finch", "the city council",
            "Bluefin Games", "Orchard Bank", "Greenleaf Energy", "a small design studio called Foldline", "Tidewater Logistics",
            "St Mary's Hospital", "Copperfield Law", "Alder Labs", "the university library", "Sunbeam Bakery",
        };

        private static readonly string[] Roles =
        {
            "senior data engineer", "product designer", "engineering manager", "nurse practitioner", "sous chef",
            "physics teacher", "UX researcher", "solicitor", "logistics coordinator", "site reliability engineer",
            "marketing lead", "project manager",
        };

        private static readonly string[] JobAnnouncements =
        {
            "Big news: I accepted an offer from {company} as a {role}!", "I handed in my notice today. Going to {company} as a {role}.",
            "It's official, I'm joining {company} as a {role}.",
        };

        private static readonly string[] JobReactions =
        {
            "Congrats {name}!! When do you start?", "Whoa, congratulations. What made you switch?", "That's huge! Why the change?",
        };

        private static readonly string[] JobDetails =
        {
            "I start on {start}. Mostly because {reason}.", "Starting {start}. Honestly {reason}.", "First day is {start}, and {reason}.",
        };

        private static readonly string[] JobReasons =
        {
            "the commute is half as long", "they offered a four-day week", "I was bored out of my mind",
            "the pay is much better", "I can work remotely most days", "my old team was dissolved in the reorg",
            "I want to learn something new", "my boss was impossible",
        };

        private static readonly string[] JobImpressions =
        {
            "My manager seems great, the office coffee is terrible.", "So many onboarding meetings, I haven't done any real work yet.",
            "Everyone is really friendly and there's free lunch on Fridays.", "I think I've made a huge mistake.",
            "Already got put on the big project, slightly terrified.", "The laptop they gave me is ancient, but the team is lovely.",
        };

        private static readonly string[] Months =
        {
            "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        };

        private static readonly string[] Animals = { "kitten", "puppy", "rabbit", "parrot", "tortoise", "guinea pig" };

        private static readonly string[] PetNames =
        {
            "Biscuit", "Mochi", "Pepper", "Juno", "Ziggy", "Olive", "Noodle", "Pickles", "Luna", "Waffles", "Clementine", "Rocket",
        };

        private static readonly string[] PetAnnouncements =
        {
            "We adopted a {animal} from the shelter, her name is {name}.", "Meet {name}, our new {animal}!",
            "So... we got a {animal}. We called him {name}.",
        };

        private static readonly string[] PetReactions = { "Photos please!", "Oh my god, so cute.", "Congrats on the new family member!" };

        private static readonly string[] PetDetails =
        {
            "{name} already destroyed {thing}.", "Day two and {name} has ruined {thing}.", "Bad news: {name} chewed through {thing}.",
        };

        private static readonly string[] ChewedThings =
        {
            "my favourite trainers", "the charging cable", "a library book", "the sofa cushions", "my headphones",
            "the TV remote", "a pair of glasses", "the Christmas lights",
        };

        private static readonly string[] Races =
        {
            "Rotterdam marathon", "Berlin half marathon", "city 10k", "Ironman in Hamburg", "Three Peaks Challenge",
            "trail run in the Alps", "charity swim across the lake", "cycling sportive in the Ardennes",
        };

        private static readonly string[] RaceAnnouncements =
        {
            "I signed up for the {race}.", "Done it, I'm entered in the {race}!", "Peer pressure won, I'm doing the {race}.",
        };

        private static readonly string[] RaceQuestions = { "You're mad. What's your target?", "Wow, what time are you aiming for?", "Respect. Any goal?" };

        private static readonly string[] RaceGoals =
        {
            "{target}.", "Honestly, {target}.", "Realistically {target}.",
        };

        private static readonly string[] RaceTargets =
        {
            "just finishing without walking", "under four hours", "beating my brother", "raising 1,000 euros for the hospice",
            "not coming last", "a personal best", "under two hours", "finishing in the top half",
        };

        private static readonly string[] RaceResults =
        {
            "Cramped at the end but made it.", "Smashed my target, I'm still buzzing.", "Walked the last bit, no shame.",
            "Got lost on the course for ten minutes, typical.", "Rained the whole way, soaked but happy.",
        };

        private static readonly string[] Neighbourhoods =
        {
            "Riverside", "the old harbour district", "Hillcrest", "Maple Park", "the university quarter", "Westbrook", "Eastgate",
        };

        private static readonly string[] MoveAnnouncements =
        {
            "We signed the lease on a {rooms}-bedroom flat in {hood}!", "We're moving! Got a {rooms}-bedroom place in {hood}.",
        };

        private static readonly string[] MoveQuestions = { "When are you moving?", "Amazing, when's the big day?", "Need help carrying boxes?" };

        private static readonly string[] MoveDetails =
        {
            "Moving day is {date}. Already dreading the stairs.", "We get the keys on {date}, pizza for anyone who helps.",
        };
    }
}
