using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Engram.Eval.Sets;

namespace Engram.Eval.Generation
{
    /// <summary>
    /// The facts-scale distractors: <see cref="Count"/> memories from the same kinds of sentence as the facts
    /// set (preferences, on-call, service configuration, contracts, incidents), about other people, services
    /// and customers, with other numbers. The name pools leave out every name the facts set uses, so no
    /// distractor answers a question; they only compete with the real evidence, as a busy memory would.
    /// </summary>
    public static class ScaleGenerator
    {
        public const int Seed = 4242;
        public const int Count = 5000;

        public static List<EvalMemory> Build(IReadOnlyList<EvalMemory> facts)
        {
            var random = new Random(Seed);
            var first = DateTime.Parse(facts[0].Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var last = DateTime.Parse(facts[facts.Count - 1].Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var span = (last - first).TotalMinutes;
            var seen = new HashSet<string>(facts.Select(f => f.Text), StringComparer.Ordinal);
            var texts = new List<string>();
            while (texts.Count < Count)
            {
                var text = Render(Pick(random, Templates), random);
                if (seen.Add(text))
                {
                    texts.Add(text);
                }
            }

            var stamps = texts.Select(_ => first.AddMinutes(random.NextDouble() * span).AddSeconds(1)).OrderBy(t => t).ToList();
            return texts.Select((text, i) => new EvalMemory
            {
                Id = $"s{i + 1:0000}",
                Timestamp = FactsGenerator.Format(stamps[i]),
                Text = text,
                Kind = "scale",
            }).ToList();
        }

        private static string Render(string template, Random r)
        {
            var text = template;
            while (true)
            {
                var open = text.IndexOf('{');
                if (open < 0)
                {
                    // "Redwood Airlines's" reads wrong; English writes "Redwood Airlines'".
                    return text.Replace("s's ", "s' ");
                }

                var close = text.IndexOf('}', open);
                var slot = text.Substring(open + 1, close - open - 1);
                text = text.Substring(0, open) + Slot(slot, r) + text.Substring(close + 1);
            }
        }

        private static string Slot(string slot, Random r) => slot switch
        {
            "person" => $"{Pick(r, FirstNames)} {Pick(r, LastNames)}",
            "first" => Pick(r, FirstNames),
            "service" => $"{Pick(r, ServicePrefixes)}-{Pick(r, ServiceSuffixes)}",
            "customer" => $"{Pick(r, CustomerFirst)} {Pick(r, CustomerSecond)}",
            "n" => Pick(r, new[] { 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 45, 60, 90, 120 }).ToString(CultureInfo.InvariantCulture),
            "big" => (r.Next(1, 100) * 50).ToString("N0", CultureInfo.InvariantCulture),
            "pct" => Pick(r, new[] { "5", "10", "15", "20", "25", "40", "50", "75", "100" }),
            "sla" => Pick(r, new[] { "99.5", "99.9", "99.95", "99.99" }),
            "date" => $"{r.Next(1, 29)} {Pick(r, Months)}",
            "hh" => r.Next(0, 24).ToString("00", CultureInfo.InvariantCulture),
            "inc" => r.Next(1000, 9999).ToString(CultureInfo.InvariantCulture),
            "po" => r.Next(10000, 99999).ToString(CultureInfo.InvariantCulture),
            "code" => Pick(r, new[] { "500", "502", "503", "504", "429" }),
            "city" => Pick(r, Cities),
            "region" => Pick(r, new[] { "eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1" }),
            "mode" => Pick(r, new[] { "dark", "light", "high-contrast", "solarized" }),
            "food" => Pick(r, new[] { "gluten", "dairy", "shellfish", "sesame", "eggs", "soy", "tree nuts", "coriander" }),
            "diet" => Pick(r, new[] { "vegan", "vegetarian", "pescatarian", "on a keto diet", "halal" }),
            "coffee" => Pick(r, new[] { "a cortado", "black filter coffee", "a cappuccino with soy milk", "an iced latte", "green tea" }),
            "plan" => Pick(r, new[] { "Starter", "Business", "Enterprise", "Growth" }),
            "title" => Pick(r, new[] { "IT director", "head of procurement", "CFO", "VP of engineering", "operations manager" }),
            "tool" => Pick(r, new[] { "VS Code", "IntelliJ", "Emacs", "Sublime Text", "Helix", "Vim" }),
            "cause" => Pick(r, new[] { "a bad deploy", "an expired certificate", "a full disk", "a DNS change", "a noisy neighbour" }),
            "flag" => $"{Pick(r, ServicePrefixes)}-{Pick(r, new[] { "v2", "beta", "redesign", "fast-path", "new-ui" })}",
            "format" => Pick(r, new[] { "a short summary with action items", "a table", "a voice memo", "numbered lists" }),
            "store" => Pick(r, new[] { "Loki", "Elasticsearch", "S3", "CloudWatch", "Datadog" }),
            "day" => Pick(r, new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }),
            _ => throw new InvalidOperationException("Unknown slot " + slot),
        };

        private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private static readonly string[] Templates =
        {
            "{person} prefers {mode} mode in every editor and terminal.",
            "{person} wants meeting notes sent as {format}.",
            "{person} is {diet} and avoids {food}.",
            "{person} works from {city} and is {n} hours away from the London office.",
            "{person} is allergic to {food}.",
            "{person} is on parental leave from {date} to {date}.",
            "{person}'s favourite coffee is {coffee}.",
            "{person} uses {tool} for everyday coding.",
            "{person} does not take calls before {hh}:00 local time.",
            "{person} is the primary on-call for {service} this week.",
            "The secondary on-call for {service} is {person}.",
            "{service} has a rate limit of {big} requests per minute per API key.",
            "{service} rebuilds its cache every night at {hh}:00 UTC.",
            "{service} issues access tokens that expire after {n} minutes.",
            "{service} runs on Kubernetes with {n} replicas in {region}.",
            "{service} logs are retained for {n} days in {store}.",
            "{service} timeouts to its database are set to {n} seconds.",
            "{service}'s queue alert fires when more than {big} jobs are waiting.",
            "The feature flag {flag} is enabled for {pct} percent of users.",
            "{service} is deployed with a canary of {pct} percent before full rollout.",
            "{customer} is on the {plan} plan with a {sla} percent uptime SLA.",
            "{customer}'s contract renews on {date} and auto-renews for {n} months.",
            "{customer} pays {big} euros per month for {n} seats.",
            "{customer}'s main contact is {person}, their {title}.",
            "{customer}'s account manager is {person}.",
            "{customer} has a custom discount of {n} percent approved by {first}.",
            "{customer}'s invoices must reference purchase order PO-{po}.",
            "{customer} requires all their data to stay in {region}.",
            "INC-{inc}: {service} returned {code} errors for {n} minutes on {date} after {cause}.",
            "The INC-{inc} postmortem owner is {person}.",
            "{person} is the product owner for {service}.",
            "The {service} team meets every {day} at {hh}:00 CET.",
        };

        // None of these appear in the facts set (its people, services and customers are left out on purpose).
        private static readonly string[] FirstNames =
        {
            "Anna", "Bruno", "Chloe", "David", "Elena", "Farid", "Hana", "Igor", "Julia", "Karim", "Lucia", "Mateo",
            "Nadia", "Oscar", "Paula", "Quentin", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wei", "Yara", "Zoltan",
            "Amir", "Beatriz", "Conor", "Daria", "Emil", "Fatima", "Gustav", "Hugo", "Ines", "Jakob", "Kofi", "Leila",
        };

        private static readonly string[] LastNames =
        {
            "Andersen", "Baptiste", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jensen",
            "Kowalski", "Larsen", "Moreau", "Novak", "Olsen", "Petrov", "Quinn", "Rossi", "Schmidt", "Torres",
            "Ueda", "Varga", "Weber", "Yilmaz", "Zhang", "Mensah", "Kaur", "Silva",
        };

        private static readonly string[] ServicePrefixes =
        {
            "inventory", "shipping", "pricing", "catalog", "media", "geo", "fraud", "loyalty", "audit", "recommendation",
            "profile", "upload", "chat", "pdf", "tax", "warehouse", "coupon", "rating", "email-render", "session",
        };

        private static readonly string[] ServiceSuffixes = { "api", "worker", "service", "db", "gateway", "scheduler", "web", "indexer", "cache" };

        private static readonly string[] CustomerFirst =
        {
            "Blue Harbor", "Silverline", "Summit", "Pioneer", "Crescent", "Evergreen", "Redwood", "Atlas", "Quantum",
            "Falcon", "Maple", "Orion", "Vertex", "Lakeside", "Copperleaf", "Ironbridge", "Polaris", "Brightwater",
        };

        private static readonly string[] CustomerSecond =
        {
            "Logistics", "Health", "Retail", "Bank", "Foods", "Freight", "Media", "Insurance", "Energy", "Pharma", "Telecom", "Airlines", "Labs",
        };

        private static readonly string[] Cities =
        {
            "Berlin", "Madrid", "Toronto", "Singapore", "Nairobi", "Warsaw", "Dublin", "Austin", "Melbourne", "Seoul", "Cape Town", "Helsinki",
        };

        private static readonly string[] Months =
        {
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        };
    }
}
