using System;
using System.Globalization;
using System.Text.Json;
using Engram.Client.Protocol;

namespace Engram.Client.Errors
{
    /// <summary>Builds every <see cref="EngramException"/> the HTTP client raises, with the messages of wire spec §9.2.</summary>
    internal static class EngramErrors
    {
        public const string TransportPrefix = "Engram API request failed: ";

        /// <summary>
        /// A non-2xx response: <c>Engram API &lt;status&gt;: &lt;detail&gt;</c>, where detail is the body's
        /// <c>error</c> (string verbatim, other JSON compact) or the whole body; no colon for an empty body.
        /// </summary>
        public static EngramException FromResponse(int status, string? bodyText, SecretRedactor redactor)
        {
            bodyText = redactor.Redact(bodyText);
            var prefix = "Engram API " + status.ToString(CultureInfo.InvariantCulture);
            if (string.IsNullOrWhiteSpace(bodyText))
            {
                return new EngramException(prefix, status);
            }

            using (var document = JsonText.TryParse(bodyText!))
            {
                if (document == null)
                {
                    // Proxies and crashed upstreams answer with text or HTML: keep it as the detail.
                    return new EngramException(prefix + ": " + bodyText!.Trim(), status, bodyText);
                }

                var root = document.RootElement.Clone();
                var detail = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) ? error : root;
                var code = LenientJson.String(root, "code");
                if (code == null && detail.ValueKind == JsonValueKind.Object)
                {
                    code = LenientJson.String(detail, "code");
                }

                return new EngramException(prefix + ": " + DetailText(detail), status, root, code);
            }
        }

        /// <summary>A mid-stream <c>{"error":…}</c> frame: status 0, message is the error text alone (§8.2).</summary>
        public static EngramException FromStreamErrorFrame(JsonElement frame, JsonElement error, SecretRedactor redactor)
        {
            string message;
            if (error.ValueKind == JsonValueKind.String)
            {
                message = error.GetString()!;
            }
            else if (error.ValueKind == JsonValueKind.Object && LenientJson.TryGet(error, "message", out var m) && m.ValueKind == JsonValueKind.String)
            {
                message = m.GetString()!;
            }
            else
            {
                message = JsonText.Compact(error);
            }

            var code = LenientJson.String(frame, "code") ?? (error.ValueKind == JsonValueKind.Object ? LenientJson.String(error, "code") : null);
            return new EngramException(redactor.Redact(message)!, 0, RedactElement(frame.Clone(), redactor), code);
        }

        public static EngramException Transport(Exception failure, SecretRedactor redactor)
        {
            var reason = redactor.Redact(Reason(failure));
            return new EngramException(TransportPrefix + reason, 0, null, null, failure);
        }

        public static EngramException TimedOut(TimeSpan timeout) =>
            new EngramException(TransportPrefix + "request timed out after " + Seconds(timeout), 0);

        /// <summary>The stream stopped without its terminator and without a final frame (§17 Q25).</summary>
        public static EngramException StreamEndedUnexpectedly() =>
            new EngramException(TransportPrefix + "stream ended unexpectedly (no final frame and no [DONE])", 0);

        public static EngramException InvalidResponse(int status, string what, SecretRedactor redactor, string? bodyText) =>
            new EngramException(
                "Engram API " + status.ToString(CultureInfo.InvariantCulture) + ": the server's response to " + what + " is not the expected JSON",
                status,
                redactor.Redact(bodyText));

        public static string Seconds(TimeSpan timeout) =>
            timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

        private static string DetailText(JsonElement detail) =>
            detail.ValueKind == JsonValueKind.String ? detail.GetString()! : JsonText.Compact(detail);

        private static JsonElement RedactElement(JsonElement element, SecretRedactor redactor)
        {
            var raw = element.GetRawText();
            if (!redactor.Contains(raw))
            {
                return element;
            }

            using (var document = JsonDocument.Parse(redactor.Redact(raw)!))
            {
                return document.RootElement.Clone();
            }
        }

        /// <summary>The innermost useful message: HttpClient wraps socket errors ("Connection refused") in generic text.</summary>
        private static string Reason(Exception failure)
        {
            var message = failure.Message;
            var inner = failure.InnerException;
            while (inner != null)
            {
                if (!string.IsNullOrEmpty(inner.Message) && message.IndexOf(inner.Message, StringComparison.Ordinal) < 0)
                {
                    message = message + " (" + inner.Message + ")";
                }

                inner = inner.InnerException;
            }

            return message;
        }
    }
}
