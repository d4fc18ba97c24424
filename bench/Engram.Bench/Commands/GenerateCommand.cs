using System.IO;
using System.Text;
using Engram.Bench.Data;

namespace Engram.Bench.Commands
{
    /// <summary>Writes the first N generated facts as a CSV that Import-Csv reads (every field quoted).</summary>
    public static class GenerateCommand
    {
        public static int Run(CommandLine options)
        {
            var rows = options.Int("rows");
            var path = options.Text("out");
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            writer.NewLine = "\n";
            writer.WriteLine("\"Id\",\"Topic\",\"Content\"");
            for (var i = 0; i < rows; i++)
            {
                var fact = FactGenerator.Row(i);
                writer.Write(i + 1);
                writer.Write(",\"");
                writer.Write(fact.Topic);
                writer.Write("\",\"");
                writer.Write(fact.Content.Replace("\"", "\"\""));
                writer.WriteLine('"');
            }

            return 0;
        }
    }
}
