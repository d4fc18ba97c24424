using System;
using System.Net;
using Engram.Client;

namespace Engram.Providers
{
    /// <summary>Finds the key for a provider: the given SecureString, else the provider's environment variable.</summary>
    internal static class ProviderKeys
    {
        /// <summary>What local servers get as a bearer value: they accept any, and the SDKs insist on one.</summary>
        public const string NoKey = "no-key";

        public const string NotConfiguredMessage = "No model provider key configured";

        /// <summary>The key text, or <see cref="NoKey"/> for providers that need none; 412 BYOK_NOT_CONFIGURED when a required key is missing.</summary>
        public static string Resolve(ProviderSettings settings)
        {
            string? key = null;
            if (settings.Key != null && settings.Key.Length > 0)
            {
                key = new NetworkCredential(string.Empty, settings.Key).Password;
            }
            else if (settings.Profile.KeyVariable != null)
            {
                key = Environment.GetEnvironmentVariable(settings.Profile.KeyVariable);
            }

            if (!string.IsNullOrWhiteSpace(key))
            {
                return key!.Trim();
            }

            if (!settings.Profile.RequiresKey)
            {
                return NoKey;
            }

            var where = settings.Profile.KeyVariable == null ? "" : $" or set {settings.Profile.KeyVariable}";
            throw new EngramException(
                $"{NotConfiguredMessage}: {settings.Profile.DisplayName} needs a key. Pass one with -ProviderKey (a SecureString){where}.",
                412, null, EngramErrorCodes.ByokNotConfigured);
        }
    }
}
