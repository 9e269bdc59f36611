/*
 * Every kernel call, once: X(NAME, number, word, handler). NAME makes
 * KC_NAME (abi.h); word is the call's name in boot lines and in
 * etc/services, the privilege vocabulary (kernel/bootspec.c, rs's table);
 * handler is its function in kernel/kcall*.c. A call's arguments and
 * results travel in the message's u64[i], as its line says.
 */
#ifndef AXOLOTL_KCALLS_H
#define AXOLOTL_KCALLS_H

#define AX_KCALLS(X) \
	X(NULL, 0, "null", do_null)                     /* does nothing; for benchmarks */ \
	X(PRINT, 1, "print", do_print)                  /* u64[0]=ptr u64[1]=len: append to the kernel log */ \
	X(KLOG_READ, 2, "klog", do_klog_read)           /* u64[0]=ptr u64[1]=len u64[2]=from seq -> u64[0]=bytes, u64[1]=next seq */ \
	X(CLOCK, 3, "clock", do_clock)                  /* -> u64[0]=uptime ns, u64[1]=TSC Hz, u64[2]=ticks, u64[3]=idle ns (nothing ran) */ \
	X(ALARM, 4, "alarm", do_alarm)                  /* u64[0]=delay ns (0 cancels): CLOCK notification later */ \
	X(PROC_CREATE, 5, "create", do_create)          /* u64[0]=slot or -1, u64[1]=name ptr -> u64[0]=endpoint (stopped, empty) */ \
	X(PROC_COPY, 6, "copy", do_copy)                /* u64[0]=endpoint, u64[1]=slot or -1 -> u64[0]=new endpoint (regs, priv, name copied; empty space) */ \
	X(PROC_DESTROY, 7, "destroy", do_destroy)       /* u64[0]=endpoint */ \
	X(GET_REGS, 8, "getregs", do_getregs)           /* u64[0]=endpoint, u64[1]=ptr to struct ax_regs */ \
	X(SET_REGS, 9, "setregs", do_setregs)           /* u64[0]=endpoint, u64[1]=ptr to struct ax_regs */ \
	X(PROC_START, 10, "start", do_start)            /* u64[0]=endpoint: make it runnable */ \
	X(VMAP, 11, "vmap", do_vmap)                    /* u64[0]=endpoint u64[1]=vaddr u64[2]=paddr u64[3]=len u64[4]=AX_MAP_* */ \
	X(VUNMAP, 12, "vunmap", do_vunmap)              /* u64[0]=endpoint u64[1]=vaddr u64[2]=len */ \
	X(PRIV_SET, 13, "priv", do_priv)                /* u64[0]=endpoint u64[1]=ptr to struct ax_priv */ \
	X(IRQ_REGISTER, 14, "irqreg", do_irqreg)        /* u64[0]=line: its interrupts become notifications to the caller */ \
	X(IRQ_ENABLE, 15, "irqon", do_irqon)            /* u64[0]=line: unmask it again (acknowledge) */ \
	X(IRQ_DISABLE, 16, "irqoff", do_irqoff)         /* u64[0]=line: mask it */ \
	X(DEVIO, 17, "devio", do_devio)                 /* u64[0]=port u64[1]=AX_IO_* u64[2]=value -> u64[0]=value read */ \
	X(GRANT_TABLE, 18, "granttable", do_granttable) /* u64[0]=ptr u64[1]=entries: the caller's grant table */ \
	X(SAFECOPY, 19, "safecopy", do_safecopy)        /* u64[0]=granter u64[1]=grant u64[2]=offset u64[3]=my ptr u64[4]=len u64[5]=AX_COPY_FROM/TO */ \
	X(POSIX_ROUTE, 20, "posixroute", do_posixroute) /* u64[0]=ptr to endpoint_t[count] u64[1]=count: the POSIX routing table */ \
	X(SCHEDULE, 21, "schedule", do_schedule)        /* u64[0]=endpoint u64[1]=priority u64[2]=quantum in ms */ \
	X(VMALLOC, 22, "vmalloc", do_vmalloc)           /* u64[0]=endpoint u64[1]=vaddr u64[2]=len u64[3]=AX_MAP_*: map fresh zeroed frames */ \
	X(VM_HANDLER, 23, "vmhandler", do_vmhandler)    /* u64[0]=endpoint (AX_SELF) or AX_NONE: who gets POSIX processes' page faults */ \
	X(REAP, 24, "reap", do_reap)                    /* u64[0]=ptr to struct ax_death u64[1]=AX_REAP_*: one ended process the caller created; frees its slot */ \
	X(SET_FS, 25, "setfs", do_setfs)                /* u64[0]=endpoint u64[1]=fs base: the thread pointer (arch_prctl's mechanism) */ \
	X(MEMINFO, 26, "meminfo", do_meminfo)           /* u64[0]=0 or an endpoint -> u64[0]=free frames u64[1]=frames of RAM u64[2]=page size u64[3]=its resident pages */ \
	X(VSHARE, 27, "vshare", do_vshare)              /* u64[0]=from ep u64[1]=from va u64[2]=to ep u64[3]=to va u64[4]=len u64[5]=AX_MAP_*|AX_SHARE_COW */ \
	X(VCOW, 28, "vcow", do_vcow)                    /* u64[0]=endpoint u64[1]=va: make that shared page its own and writable */ \
	X(VPROTECT, 29, "vprotect", do_vprotect)        /* u64[0]=endpoint u64[1]=va u64[2]=len u64[3]=AX_MAP_*: new rights for present pages */ \
	X(SIGNAL, 30, "signal", do_signal)              /* u64[0]=POSIX endpoint: at its next return to user mode it sends AX_MSG_SIGNAL to the exception handler */ \
	X(FPU, 31, "fpu", do_fpu)                       /* u64[0]=endpoint u64[1]=ptr to 512 bytes (fxsave layout) u64[2]=AX_COPY_FROM (get) / AX_COPY_TO (set) */ \
	X(EXC_HANDLER, 32, "exchandler", do_exchandler) /* u64[0]=endpoint (AX_SELF) or AX_NONE: who gets POSIX processes' exceptions and signal stops */ \
	X(CPU_TIME, 33, "cputime", do_cputime)          /* u64[0]=endpoint -> u64[0]=CPU time it has used, in ns (1 ms resolution), u64[1]=1 if ready to run, u64[2]=a caller whose sendrec it took and has not answered (AX_NONE: none), u64[3]=that caller's sendrecs so far */ \
	X(KLOG_VGA, 34, "klogvga", do_klogvga)          /* u64[0]=0: the kernel log stops writing the VGA screen (the tty driver has it), 1: again */ \
	X(SLOT_RELEASE, 35, "release", do_release)      /* u64[0]=slot: free a slot KC_REAP kept for the caller (AX_REAP_RESERVE) */

#endif
