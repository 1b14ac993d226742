# The portal's built-in environment module. It uses only Terraform's built-in terraform_data
# resource, so it needs no provider download; replace it (Portal:Environments:Terraform:ModuleDirectory)
# with a module that creates real infrastructure.
terraform {
  required_version = ">= 1.4"
}

variable "environment_name" { type = string }
variable "environment_id" { type = string }
variable "component" { type = string }
variable "team" { type = string }
variable "environment_type" { type = string }
variable "tier" { type = string }
variable "cpu" { type = number }
variable "memory_gi" { type = number }
variable "storage_gi" { type = number }
variable "region" { type = string }
variable "requested_by" { type = string }
variable "parameters" {
  type    = map(string)
  default = {}
}

resource "terraform_data" "namespace" {
  input = {
    name   = var.environment_name
    labels = { team = var.team, component = var.component, environment = var.environment_name }
  }
}

resource "terraform_data" "quota" {
  input = {
    namespace = terraform_data.namespace.output.name
    cpu       = var.cpu
    memory_gi = var.memory_gi
    storage   = var.storage_gi
  }
}

output "namespace" {
  value = terraform_data.namespace.output.name
}

output "url" {
  value = "https://${var.environment_name}.${var.region}.example.internal"
}

output "quota" {
  value = "${var.cpu} CPU, ${var.memory_gi} GiB memory, ${var.storage_gi} GiB storage"
}
