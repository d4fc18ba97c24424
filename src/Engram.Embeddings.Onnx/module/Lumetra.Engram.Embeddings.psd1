# Source manifest of the companion module Lumetra.Engram.Embeddings: the local embedding model for
# Lumetra.Engram (all-MiniLM-L6-v2 run by ONNX Runtime, in-process, no network). It has no commands:
# Lumetra.Engram finds it when it is installed and then recalls by meaning offline. build.ps1 stages it
# beside the main module with ModuleVersion (and the required version) taken from Engram.psd1.
@{
    ModuleVersion        = '0.0.0'
    GUID                 = '3be2827c-cdb8-4414-bbf1-5f3cd3069fad'
    Author               = 'Lumetra'
    CompanyName          = 'Lumetra'
    Copyright            = '(c) 2026 Lumetra. MIT License (see LICENSE); the model is Apache-2.0 and ONNX Runtime MIT (see lib/models/all-MiniLM-L6-v2/NOTICE.txt and lib/ONNXRUNTIME-LICENSE.txt).'
    Description          = 'The local embedding model for Lumetra.Engram: all-MiniLM-L6-v2 (384 dimensions) run in-process by ONNX Runtime with no network, so Connect-Engram -Local recalls by meaning offline. Installing it installs Lumetra.Engram too.'
    CompatiblePSEditions = @('Core', 'Desktop')
    PowerShellVersion    = '5.1'
    RequiredModules      = @(@{ ModuleName = 'Lumetra.Engram'; ModuleVersion = '0.0.0' })
    FunctionsToExport    = @()
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Engram', 'Lumetra', 'Embeddings', 'ONNX', 'MiniLM', 'Offline', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/lumetra-io/Lumetra.Engram'
            LicenseUri   = 'https://github.com/lumetra-io/Lumetra.Engram/blob/main/LICENSE'
        }
    }
}
