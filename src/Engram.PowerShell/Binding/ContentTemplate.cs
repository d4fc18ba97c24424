using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Engram.PowerShell.Binding
{
    /// <summary>
    /// An Add-EngramMemory -Template such as <c>'{Host} ({Team}): {Description}'</c>: literal text with
    /// column names in braces; <c>{{</c> and <c>}}</c> stand for literal braces.
    /// </summary>
    internal sealed class ContentTemplate
    {
        private readonly IReadOnlyList<(string Text, bool IsColumn)> _parts;

        private ContentTemplate(IReadOnlyList<(string Text, bool IsColumn)> parts) => _parts = parts;

        /// <summary>The column names the template uses, in order of first use.</summary>
        public IEnumerable<string> Columns => _parts.Where(p => p.IsColumn).Select(p => p.Text).Distinct(StringComparer.OrdinalIgnoreCase);

        /// <summary>Parses the template; a FormatException says what is wrong and how to write it.</summary>
        public static ContentTemplate Parse(string template)
        {
            var parts = new List<(string, bool)>();
            var literal = new StringBuilder();
            for (var i = 0; i < template.Length; i++)
            {
                var c = template[i];
                var next = i + 1 < template.Length ? template[i + 1] : '\0';
                if ((c == '{' && next == '{') || (c == '}' && next == '}'))
                {
                    literal.Append(c);
                    i++;
                }
                else if (c == '{')
                {
                    var end = template.IndexOf('}', i + 1);
                    var open = template.IndexOf('{', i + 1);
                    if (end < 0 || (open >= 0 && open < end))
                    {
                        throw new FormatException("The '{' at position " + (i + 1) + " has no matching '}'. Write {Column} for a column and {{ for a literal brace.");
                    }

                    var name = template.Substring(i + 1, end - i - 1).Trim();
                    if (name.Length == 0)
                    {
                        throw new FormatException("The braces at position " + (i + 1) + " name no column. Write {Column} for a column and {{}} for literal braces.");
                    }

                    if (literal.Length > 0)
                    {
                        parts.Add((literal.ToString(), false));
                        literal.Clear();
                    }

                    parts.Add((name, true));
                    i = end;
                }
                else if (c == '}')
                {
                    throw new FormatException("The '}' at position " + (i + 1) + " closes nothing. Write }} for a literal brace.");
                }
                else
                {
                    literal.Append(c);
                }
            }

            if (literal.Length > 0)
            {
                parts.Add((literal.ToString(), false));
            }

            if (!parts.Any(p => p.Item2))
            {
                throw new FormatException("The template names no column, so every input would store the same text. Put column names in braces, for example '{Host}: {Description}'.");
            }

            return new ContentTemplate(parts);
        }

        /// <summary>The text for one input; <paramref name="column"/> gives a column's text, or null when the input lacks it.</summary>
        public string Render(Func<string, string?> column, out string? missing)
        {
            var text = new StringBuilder();
            foreach (var (part, isColumn) in _parts)
            {
                if (!isColumn)
                {
                    text.Append(part);
                    continue;
                }

                var value = column(part);
                if (value == null)
                {
                    missing = part;
                    return "";
                }

                text.Append(value);
            }

            missing = null;
            return text.ToString();
        }
    }
}
