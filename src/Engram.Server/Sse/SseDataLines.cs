using System.IO;

namespace Engram.Server.Sse
{
    /// <summary>
    /// One SSE event of compact JSON as <c>data:</c> lines that each stay under Go's 64 KiB line limit. SSE joins
    /// an event's data lines with <c>\n</c> (Go, JS and our client do, wire spec §8.2), so a long payload is cut only
    /// right after a JSON <c>,</c> <c>:</c> <c>[</c> or <c>{</c> outside a string: there the joining newline is
    /// whitespace, and the joined text parses to the same JSON. A payload that fits stays on one line, as before.
    /// </summary>
    internal static class SseDataLines
    {
        /// <summary>Bytes of one line, <c>data: </c> included, line end excluded; under bufio.Scanner's 65,536.</summary>
        public const int MaxLineBytes = 60 * 1024;

        private static readonly byte[] DataPrefix = { (byte)'d', (byte)'a', (byte)'t', (byte)'a', (byte)':', (byte)' ' };

        /// <summary>The event's bytes, ending with the blank line. <paramref name="longestLine"/> is the longest line written.</summary>
        public static byte[] Frame(byte[] json, int maxLineBytes, out int longestLine)
        {
            var room = maxLineBytes - DataPrefix.Length;
            using (var frame = new MemoryStream(json.Length + DataPrefix.Length + 2))
            {
                longestLine = 0;
                var start = 0;
                while (true)
                {
                    var end = json.Length - start <= room ? json.Length : CutPoint(json, start, room);
                    frame.Write(DataPrefix, 0, DataPrefix.Length);
                    frame.Write(json, start, end - start);
                    frame.WriteByte((byte)'\n');
                    longestLine = System.Math.Max(longestLine, DataPrefix.Length + end - start);
                    if (end >= json.Length)
                    {
                        break;
                    }

                    start = end;
                }

                frame.WriteByte((byte)'\n');
                return frame.ToArray();
            }
        }

        /// <summary>
        /// The last safe cut within <paramref name="room"/> bytes of <paramref name="start"/>; when a single token
        /// (a very long string) leaves none, the first safe cut after it, so the line is as short as JSON allows.
        /// </summary>
        private static int CutPoint(byte[] json, int start, int room)
        {
            var inString = false;
            var escaped = false;
            var lastSafe = -1;
            for (var i = start; i < json.Length; i++)
            {
                if (i - start >= room && lastSafe > start)
                {
                    return lastSafe;
                }

                var b = json[i];
                if (inString)
                {
                    if (escaped)
                    {
                        escaped = false;
                    }
                    else if (b == (byte)'\\')
                    {
                        escaped = true;
                    }
                    else if (b == (byte)'"')
                    {
                        inString = false;
                    }

                    continue;
                }

                if (b == (byte)'"')
                {
                    inString = true;
                }
                else if (b == (byte)',' || b == (byte)':' || b == (byte)'[' || b == (byte)'{')
                {
                    lastSafe = i + 1;
                    if (i - start >= room)
                    {
                        return lastSafe;
                    }
                }
            }

            return json.Length;
        }
    }
}
