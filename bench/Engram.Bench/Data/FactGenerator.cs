using System;
using System.Collections.Generic;

namespace Engram.Bench.Data
{
    /// <summary>One generated memory and a question it answers.</summary>
    public readonly struct Fact
    {
        public Fact(string topic, string content, string question)
        {
            Topic = topic;
            Content = content;
            Question = question;
        }

        public string Topic { get; }

        public string Content { get; }

        public string Question { get; }
    }

    /// <summary>
    /// Realistic, varied one-sentence facts (people, preferences, invoices, servers, meetings, ...), the same
    /// for a given row index on every machine and run: each row draws from its own seeded generator, so row i
    /// never depends on how many rows were generated before it. Every fact comes with a question about it,
    /// which the query benchmark asks.
    /// </summary>
    public static class FactGenerator
    {
        private const ulong Seed = 0x5EED_E4A7_2026_0001UL;

        private static readonly string[] FirstNames =
        {
            "Priya", "Marcus", "Elena", "Tomasz", "Aisha", "Kenji", "Sofia", "Liam", "Fatima", "Jonas", "Mei", "Carlos",
            "Ingrid", "Omar", "Hannah", "Rafael", "Yuki", "Noah", "Amara", "Mateo", "Freya", "Dmitri", "Leila", "Oscar",
            "Zara", "Henrik", "Chloe", "Ibrahim", "Nora", "Luca", "Anika", "Theo", "Mariam", "Felix", "Rosa", "Arjun",
            "Greta", "Samuel", "Ines", "Viktor", "Maya", "Pablo", "Astrid", "Kwame", "Clara", "Ravi", "Lena", "Diego",
            "Sanna", "Tariq", "Beatriz", "Emil", "Hiroshi", "Olivia", "Nikolai", "Lucia", "Ayla", "Bruno", "Esther", "Jamal",
        };

        private static readonly string[] LastNames =
        {
            "Shah", "Okafor", "Lindqvist", "Nowak", "Haddad", "Tanaka", "Rossi", "Murphy", "Benali", "Becker", "Chen", "Mendes",
            "Johansson", "Farouk", "Schmidt", "Oliveira", "Sato", "Brennan", "Mensah", "Garcia", "Nilsson", "Volkov", "Karimi", "Dubois",
            "Patel", "Andersen", "Moreau", "Yilmaz", "Kowalski", "Romano", "Kapoor", "Weber", "Said", "Hoffmann", "Costa", "Iyer",
            "Larsen", "Adeyemi", "Ferreira", "Novak", "Reyes", "Fischer", "Eriksen", "Boateng", "Martin", "Rao", "Vogel", "Torres",
        };

        private static readonly string[] Drinks = { "oat-milk flat whites", "green tea", "black coffee", "sparkling water", "chai lattes", "espresso", "rooibos tea", "hot chocolate", "cold brew", "peppermint tea" };
        private static readonly string[] Foods = { "dairy", "spicy food", "sugar", "red meat", "caffeine", "gluten", "fried food", "shellfish", "alcohol", "heavy pasta" };
        private static readonly string[] Cities = { "Lisbon", "Toronto", "Osaka", "Nairobi", "Berlin", "Austin", "Melbourne", "Oslo", "Bogota", "Seoul", "Dublin", "Warsaw", "Lyon", "Cape Town", "Montreal", "Singapore" };
        private static readonly string[] Projects = { "Atlas", "Beacon", "Cobalt", "Driftwood", "Ember", "Falcon", "Granite", "Harbor", "Juniper", "Kestrel", "Lighthouse", "Meridian", "Nimbus", "Orchid", "Pioneer", "Quartz" };
        private static readonly string[] Months = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December" };
        private static readonly string[] Weekdays = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" };
        private static readonly string[] Environments = { "production", "staging", "the EU region", "the US-East cluster", "the canary ring" };
        private static readonly string[] Allergens = { "peanuts", "penicillin", "bee stings", "latex", "shellfish", "pollen", "cats", "sesame" };
        private static readonly string[] Places = { "top drawer of the desk", "glovebox", "kitchen cabinet", "laptop bag", "backpack", "bathroom shelf" };
        private static readonly string[] Vendors = { "Northwind Supplies", "Contoso Cloud", "Fabrikam Print", "Globex Logistics", "Initech Software", "Umbrella Catering", "Wayne Hardware", "Stark Office" };
        private static readonly string[] Books = { "The Left Hand of Darkness", "Middlemarch", "Project Hail Mary", "The Remains of the Day", "Dune", "Beloved", "The Name of the Rose", "Pachinko", "Piranesi", "Things Fall Apart" };
        private static readonly string[] Seasons = { "winter", "summer", "autumn", "spring", "holiday season" };
        private static readonly string[] Teams = { "platform", "payments", "design", "data science", "mobile", "security", "support", "growth", "infrastructure", "search" };
        private static readonly string[] Components = { "billing", "search indexer", "auth gateway", "notification", "image resizer", "report export", "checkout", "session store" };
        private static readonly string[] Conditions = { "the export has more than ten thousand rows", "two users edit the same record", "the cache is cold after a deploy", "a coupon code contains lowercase letters", "the upload is larger than 2 GB", "the VPN reconnects" };
        private static readonly string[] Languages = { "Portuguese", "Japanese", "Swahili", "German", "Spanish", "Korean", "French", "Polish", "Arabic", "Hindi", "Italian", "Dutch" };
        private static readonly string[] Colors = { "ginger", "black", "grey", "white", "brown", "spotted", "tabby" };
        private static readonly string[] Pets = { "cat", "dog", "rabbit", "parrot", "tortoise", "ferret" };
        private static readonly string[] PetNames = { "Biscuit", "Pixel", "Mochi", "Juniper", "Waffles", "Nova", "Pepper", "Ziggy", "Olive", "Ramen" };
        private static readonly string[] Companies = { "Acme Robotics", "Blue Harbor Bank", "Cedar Health", "Delta Freight", "Evergreen Schools", "Foxglove Media", "Golden Gate Labs", "Helios Energy" };
        private static readonly string[] Plans = { "Team", "Business", "Enterprise", "Starter" };
        private static readonly string[] Rivers = { "Tagus", "Spree", "Thames", "Danube", "Vltava", "Seine", "Charles", "Yarra" };
        private static readonly string[] Hosts = { "db", "web", "cache", "worker", "queue", "search" };
        private static readonly string[] Regions = { "eu-west-1", "us-east-2", "ap-south-1", "eu-north-1", "us-west-2" };
        private static readonly string[] Systems = { "Ubuntu 24.04", "Debian 12", "Windows Server 2022", "Rocky Linux 9", "Alpine 3.20" };
        private static readonly string[] Events = { "dentist appointment", "passport renewal", "quarterly tax filing", "anniversary dinner", "car inspection", "team offsite", "conference talk" };

        private delegate Fact Template(ref SplitMix rng, int index);

        private static readonly Template[] Templates =
        {
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                var drink = r.Pick(Drinks);
                return new Fact("preferences", $"{p} prefers {drink} in the morning and avoids {r.Pick(Foods)} after {r.Next(5, 10)} pm.", $"What does {p} like to drink in the morning?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                return new Fact("relocation", $"{p} moved to {r.Pick(Cities)} in {r.Pick(Months)} {r.Next(2012, 2026)} to work on the {r.Pick(Projects)} project.", $"Which city did {p} move to?");
            },
            (ref SplitMix r, int i) =>
            {
                var project = r.Pick(Projects);
                var version = $"{r.Next(1, 9)}.{r.Next(0, 20)}.{r.Next(0, 10)}";
                return new Fact("releases", $"The {project} release {version} was deployed to {r.Pick(Environments)} on {r.Pick(Weekdays)}, {r.Pick(Months)} {r.Next(1, 29)}.", $"When was {project} {version} deployed?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                return new Fact("health", $"{p} is allergic to {r.Pick(Allergens)} and keeps an epinephrine pen in the {r.Pick(Places)}.", $"What is {p} allergic to?");
            },
            (ref SplitMix r, int i) =>
            {
                var invoice = $"INV-{r.Next(10000, 99999)}-{i % 1000:D3}";
                return new Fact("finance", $"Invoice {invoice} from {r.Pick(Vendors)} for {r.Next(120, 48000)} EUR is due on {r.Pick(Months)} {r.Next(1, 29)}.", $"When is invoice {invoice} due and who sent it?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                return new Fact("books", $"{p}'s favourite book is {r.Pick(Books)}, which they reread every {r.Pick(Seasons)}.", $"What is {p}'s favourite book?");
            },
            (ref SplitMix r, int i) =>
            {
                var team = r.Pick(Teams);
                var city = r.Pick(Cities);
                return new Fact("meetings", $"The {team} team in {city} meets every {r.Pick(Weekdays)} at {r.Next(8, 17)}:{r.Pick(new[] { "00", "15", "30", "45" })} in room {r.Next(100, 999)}.", $"When does the {team} team in {city} meet?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                var component = r.Pick(Components);
                return new Fact("incidents", $"{p} reported that the {component} service times out when {r.Pick(Conditions)}.", $"When does the {component} service time out?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                // Three different languages: consecutive offsets into the list.
                var first = r.Next(0, Languages.Length);
                var second = (first + r.Next(1, Languages.Length - 1)) % Languages.Length;
                var third = (second + 1) % Languages.Length == first ? (second + 2) % Languages.Length : (second + 1) % Languages.Length;
                return new Fact("languages", $"{p} speaks {Languages[first]} and {Languages[second]} fluently and is learning {Languages[third]}.", $"Which languages does {p} speak?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                var pet = r.Pick(Pets);
                return new Fact("pets", $"{p} owns a {r.Pick(Colors)} {pet} named {r.Pick(PetNames)} who is {r.Next(1, 16)} years old.", $"What is the name of {p}'s {pet}?");
            },
            (ref SplitMix r, int i) =>
            {
                var company = r.Pick(Companies);
                var plan = r.Pick(Plans);
                return new Fact("customers", $"Customer {company} renewed their {plan} plan for {r.Next(5, 900)} seats in {r.Pick(Months)} {r.Next(2019, 2026)}.", $"How many seats did {company} renew on the {plan} plan?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                var river = r.Pick(Rivers);
                return new Fact("fitness", $"{p} runs {r.Next(3, 22)} kilometres every {r.Pick(Weekdays)} along the {river} river.", $"How far does {p} run along the {river}?");
            },
            (ref SplitMix r, int i) =>
            {
                var host = $"{r.Pick(Hosts)}-{r.Next(1, 99):D2}";
                var region = r.Pick(Regions);
                return new Fact("servers", $"Server {host} in {region} has {r.Pick(new[] { 8, 16, 32, 64, 128, 256 })} GB of memory and runs {r.Pick(Systems)}.", $"How much memory does server {host} in {region} have?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                var evt = r.Pick(Events);
                return new Fact("reminders", $"{p} asked to be reminded about the {evt} on {r.Pick(Months)} {r.Next(1, 29)} at {r.Next(7, 19)} o'clock.", $"When is {p}'s {evt}?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                var project = r.Pick(Projects);
                return new Fact("ownership", $"{p} is the technical lead of {project} and approves every schema change for the {r.Pick(Components)} database.", $"Who leads the {project} project?");
            },
            (ref SplitMix r, int i) =>
            {
                var p = Person(ref r);
                return new Fact("travel", $"{p} flies to {r.Pick(Cities)} on {r.Pick(Weekdays)} and prefers an aisle seat near the front of the plane.", $"Where is {p} flying to?");
            },
        };

        /// <summary>Row <paramref name="index"/> (0-based). Pure: the same index always gives the same fact.</summary>
        public static Fact Row(int index)
        {
            var rng = new SplitMix(Seed ^ ((ulong)(index + 1) * 0x9E3779B97F4A7C15UL));
            var template = Templates[rng.Next(0, Templates.Length)];
            return template(ref rng, index);
        }

        /// <summary>The contents of rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
        public static List<string> Contents(int start, int count)
        {
            var contents = new List<string>(count);
            for (var i = start; i < start + count; i++)
            {
                contents.Add(Row(i).Content);
            }

            return contents;
        }

        /// <summary>
        /// <paramref name="count"/> questions about rows spread evenly over [0, <paramref name="withinRows"/>),
        /// shifted by <paramref name="offset"/> so warm-up and measured sets differ.
        /// </summary>
        public static List<string> Questions(int count, int withinRows, int offset)
        {
            var questions = new List<string>(count);
            var step = Math.Max(1, withinRows / Math.Max(1, count));
            for (var k = 0; k < count; k++)
            {
                questions.Add(Row((k * step + offset) % withinRows).Question);
            }

            return questions;
        }

        private static string Person(ref SplitMix r) => r.Pick(FirstNames) + " " + r.Pick(LastNames);
    }

    /// <summary>SplitMix64: tiny, fast and the same everywhere (unlike System.Random, whose algorithm may change).</summary>
    public struct SplitMix
    {
        private ulong _state;

        public SplitMix(ulong seed) => _state = seed;

        public ulong NextULong()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
        public int Next(int min, int max) => min + (int)(NextULong() % (ulong)(max - min));

        public T Pick<T>(T[] items) => items[Next(0, items.Length)];
    }
}
