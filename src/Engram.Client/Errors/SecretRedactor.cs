using System;

namespace Engram.Client.Errors
{
    /// <summary>
    /// Removes the API key from text that leaves the client (error messages, bodies echoed by a server, traces).
    /// The key is never put there by us; this guards against servers and transports that echo it.
    /// </summary>
    internal sealed class SecretRedactor
    {
        public const string Mask = "***";

        // Shorter secrets would match ordinary words; real keys are long (eng_live_…).
        private const int MinimumSecretLength = 6;

        private readonly string? _secret;

        public SecretRedactor(string? secret)
        {
            _secret = secret != null && secret.Length >= MinimumSecretLength ? secret : null;
        }

        public string? Redact(string? text)
        {
            if (text == null || _secret == null || text.IndexOf(_secret, StringComparison.Ordinal) < 0)
            {
                return text;
            }

            return text.Replace(_secret, Mask);
        }

        public bool Contains(string? text) =>
            text != null && _secret != null && text.IndexOf(_secret, StringComparison.Ordinal) >= 0;
    }
}
