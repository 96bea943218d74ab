package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// kwok's controller is a separate binary (built from its own module set, see kwok/go.mod):
// kwok v0.7.0 is the newest release the module proxy serves that builds with Kubernetes 1.34's
// client libraries only from its own go.mod (it references an apimachinery constant that 1.34
// removed), so it cannot be linked into this process. It runs as our child, in our process group,
// and dies with us (Pdeathsig).

func defaultKwokBinary() string {
	exe, err := os.Executable()
	if err != nil {
		return "kwok"
	}
	return filepath.Join(filepath.Dir(exe), "kwok")
}

type kwokProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func startKwok(o *options, kubeconfig string, componentDone chan<- error) (*kwokProcess, error) {
	if _, err := os.Stat(o.kwokBinary); err != nil {
		return nil, fmt.Errorf("kwok binary: %w", err)
	}
	cmd := exec.Command(o.kwokBinary,
		"--kubeconfig="+kubeconfig,
		"--manage-all-nodes=true",
		"--cidr="+o.podCIDR,
		"--node-ip=127.0.0.1",
		"--v=WARN",
	)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	// kwok reads ~/.kwok/kwok.yaml when present: keep the host's configuration out.
	cmd.Env = append(os.Environ(), "HOME="+o.dataDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	k := &kwokProcess{cmd: cmd, done: make(chan struct{})}
	go func() {
		k.err = cmd.Wait()
		close(k.done)
		componentDone <- fmt.Errorf("kwok exited: %v", k.err)
	}()
	return k, nil
}

// stop sends SIGTERM, then SIGKILL after the timeout.
func (k *kwokProcess) stop(timeout time.Duration) {
	if k == nil {
		return
	}
	select {
	case <-k.done:
		return
	default:
	}
	_ = k.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-k.done:
	case <-time.After(timeout):
		_ = k.cmd.Process.Kill()
		<-k.done
	}
}
