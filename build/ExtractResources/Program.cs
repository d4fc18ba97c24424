using System;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

// Usage: ExtractResources <assembly> <output-dir> <resource-prefix> <name>... [--sha256 <name>]
// Reads the resources through System.Reflection.Metadata: the assembly is never loaded as code.
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: ExtractResources <assembly> <output-dir> <resource-prefix> <name>... [--sha256 <name>]");
            return 2;
        }

        var assembly = args[0];
        var outputDirectory = args[1];
        var prefix = args[2];
        var rest = args.Skip(3).ToList();
        string? hashed = null;
        var hashAt = rest.IndexOf("--sha256");
        if (hashAt >= 0)
        {
            hashed = rest[hashAt + 1];
            rest.RemoveRange(hashAt, 2);
        }

        Directory.CreateDirectory(outputDirectory);
        using (var file = File.OpenRead(assembly))
        using (var pe = new PEReader(file))
        {
            var metadata = pe.GetMetadataReader();
            var resourcesRva = pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress;
            foreach (var name in rest)
            {
                var wanted = prefix + name;
                var handle = metadata.ManifestResources.FirstOrDefault(h => metadata.GetString(metadata.GetManifestResource(h).Name) == wanted);
                if (handle.IsNil)
                {
                    Console.Error.WriteLine($"error: {assembly} has no embedded resource {wanted}.");
                    return 1;
                }

                // An embedded resource is a 4-byte length and then its bytes, at the CLI header's resources
                // directory plus the resource's offset (ECMA-335 II.24.2.4 and II.25.3.3).
                var reader = pe.GetSectionData(resourcesRva + (int)metadata.GetManifestResource(handle).Offset).GetReader();
                var length = reader.ReadInt32();
                var target = Path.Combine(outputDirectory, name);
                var temp = target + ".tmp";
                using (var output = File.Create(temp))
                {
                    output.Write(reader.ReadBytes(length));
                }

                File.Move(temp, target, overwrite: true);
                Console.WriteLine($"Extracted {wanted} ({length:N0} bytes) to {target}");
            }
        }

        if (hashed != null)
        {
            var path = Path.Combine(outputDirectory, hashed);
            using var stream = File.OpenRead(path);
            var hex = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
            File.WriteAllText(path + ".sha256", hex + "  " + hashed + "\n");
        }

        return 0;
    }
}
