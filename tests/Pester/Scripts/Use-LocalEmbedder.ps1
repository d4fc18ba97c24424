# Imports the staged Lumetra.Engram and, through the module's own load context, the local embedder from the
# companion module Lumetra.Engram.Embeddings (when it is installed beside it); embeds and reports as JSON.
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$loadedAtImport = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'Engram.Embeddings.Onnx', 'Microsoft.ML.OnnxRuntime' }).Count

$cmdletAssembly = (Get-Command Connect-Engram).ImplementingType.Assembly
$context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($cmdletAssembly)
$result = [ordered]@{ LoadedAtImport = $loadedAtImport }
# The module works whether or not the companion is there (hashing embedder).
$null = Connect-Engram -Local -InMemory -PassThru
try { $result.StoredWithoutCompanion = @(Add-EngramMemory 'The module works without the local model.' -Bucket companion).Count }
finally { Disconnect-Engram }
try {
    $onnx = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Engram.Embeddings.Onnx'))
}
catch [System.IO.FileNotFoundException] {
    $result.Available = $false
    $result.Error = $_.Exception.Message
    'RESULT:' + ($result | ConvertTo-Json -Compress)
    exit 0
}
$result.Available = $true
$result.Location = $onnx.Location
$type = $onnx.GetType('Engram.Embeddings.Onnx.MiniLmEmbeddingGenerator', $true)
$generator = [Activator]::CreateInstance($type, [object[]]@($null))
# Called through reflection: PowerShell's binder would look up the parameter types by name.
$generate = $type.GetMethod('GenerateAsync')
$texts = [string[]]@('Backups go to the S3 bucket.', 'Backups go to the v3 bucket.', 'The user prefers dark mode.')
$embeddings = $generate.Invoke($generator, @($texts, $null, [Threading.CancellationToken]::None)).GetAwaiter().GetResult()
$vectors = @(foreach ($e in $embeddings) { , $e.Vector.ToArray() })
$result.Count = $vectors.Count
$result.Dimensions = $vectors[0].Length
$result.Norm = [Math]::Sqrt(($vectors[0] | ForEach-Object { [double] $_ * $_ } | Measure-Object -Sum).Sum)
$dot = 0.0; for ($i = 0; $i -lt $vectors[0].Length; $i++) { $dot += $vectors[0][$i] * $vectors[1][$i] }
$result.CosineS3V3 = $dot
$metadata = $generator.Metadata
$result.Identity = "$($metadata.ProviderName)/$($metadata.DefaultModelId)/$($metadata.DefaultModelDimensions)"
$ort = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.ML.OnnxRuntime' }
$result.OnnxRuntimeLocation = $ort.Location
$result.OnnxRuntimeFramework = ($ort.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false) | Select-Object -First 1).FrameworkName
$result.AbstractionsLocation = ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Extensions.AI.Abstractions' } | Select-Object -First 1).Location
if ($IsLinux) {
    $result.NativeLoaded = @(Get-Content "/proc/$PID/maps" | Where-Object { $_ -match 'libonnxruntime\.so' } | ForEach-Object { ($_ -split '\s+')[-1] } | Select-Object -Unique)
}
$generator.Dispose()
'RESULT:' + ($result | ConvertTo-Json -Compress)
