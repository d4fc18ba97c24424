namespace Engram.Local.Text
{
    /// <summary>
    /// The one token estimate used everywhere (wire spec §17 Q32): ⌈characters / 4⌉, at least 1 for
    /// non-empty text. Consistency matters more than accuracy: usage numbers must add up.
    /// </summary>
    internal static class TokenCounter
    {
        public static int Count(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return 0;
            }

            return (text!.Length + 3) / 4;
        }
    }
}
