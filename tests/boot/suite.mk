# The release image (make's build/axolotl.iso) boots to its shell, by BIOS and by UEFI.
SUITES += boot_bios boot_uefi
boot_bios.iso := $(ISO)
boot_bios.run := --expect-line 'rs: .*ds' --expect-line '^vfs: up' --expect-line '^procfs: up' \
	--expect-line '^Welcome to Axolotl' --expect-line '^Type poweroff'
boot_uefi.iso := $(ISO)
boot_uefi.run := --uefi --expect-line '^vfs: up' --expect-line '^Welcome to Axolotl' --expect-line '^Type poweroff'
