using System;
using System.Linq;
using System.Text.Json;
using Engram.Client;
using Json.Schema;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// Reads a model's JSON answer: parses it (tolerating one surrounding Markdown code fence, which models
    /// add despite being told not to) and checks it against <c>response_schema</c> with JsonSchema.Net.
    /// Anything else is a clear 502 PROVIDER_INVALID_JSON naming the first problems, so a caller never gets
    /// a silently wrong shape.
    /// </summary>
    internal static class AnswerJsonValidator
    {
        private const int MaxReportedErrors = 3;

        public static JsonElement Parse(string answer, JsonElement? schema)
        {
            var text = StripFence(answer);
            JsonElement value;
            try
            {
                using var document = JsonDocument.Parse(text);
                value = document.RootElement.Clone();
            }
            catch (JsonException failure)
            {
                throw new EngramException(
                    $"The model's answer is not valid JSON ({failure.Message.Split('.')[0]}). Retry, or use a model that supports JSON mode.",
                    502, null, EngramErrorCodes.ProviderInvalidJson);
            }

            if (schema.HasValue)
            {
                Validate(value, schema.Value);
            }

            return value;
        }

        private static void Validate(JsonElement value, JsonElement schemaElement)
        {
            JsonSchema schema;
            try
            {
                schema = JsonSchema.FromText(schemaElement.GetRawText());
            }
            catch (Exception e) when (e is JsonException || e is ArgumentException || e is InvalidOperationException)
            {
                // The protocol calls response_schema a best-effort hint: one we cannot read is not the model's fault.
                return;
            }

            var results = schema.Evaluate(value, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (results.IsValid)
            {
                return;
            }

            var problems = (results.Details ?? new System.Collections.Generic.List<EvaluationResults>())
                .Where(d => d.Errors != null && d.Errors.Count > 0)
                .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is var at && at.Length > 0 ? at : "/")}: {e.Value}"))
                .Distinct()
                .Take(MaxReportedErrors)
                .ToList();
            throw new EngramException(
                "The model's JSON answer does not match response_schema" + (problems.Count > 0 ? " (" + string.Join("; ", problems) + ")" : "") +
                ". Retry, simplify the schema, or use a model with JSON-schema support.",
                502, null, EngramErrorCodes.ProviderInvalidJson);
        }

        private static string StripFence(string answer)
        {
            var text = answer.Trim();
            if (!text.StartsWith("```", StringComparison.Ordinal) || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < 6)
            {
                return text;
            }

            var firstLineEnd = text.IndexOf('\n');
            if (firstLineEnd < 0)
            {
                return text;
            }

            return text.Substring(firstLineEnd + 1, text.Length - firstLineEnd - 1 - 3).Trim();
        }
    }
}
